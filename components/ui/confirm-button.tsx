"use client";

import { useId, useRef, useState, type ReactNode } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "./button";
import { cn } from "./cn";

export type ConfirmButtonProps = {
  /** Content of the trigger button. */
  children: ReactNode;
  title: string;
  message: string;
  confirmLabel: string;
  cancelLabel: string;
  /** Dialog closes when this resolves; if it throws, the dialog stays open. */
  onConfirm: () => Promise<void> | void;
  variant?: ButtonVariant;
  size?: ButtonSize;
  disabled?: boolean;
  className?: string;
};

export function ConfirmButton({
  children,
  title,
  message,
  confirmLabel,
  cancelLabel,
  onConfirm,
  variant = "danger",
  size,
  disabled,
  className,
}: ConfirmButtonProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState(false);
  const id = useId();
  const titleId = `${id}-title`;
  const messageId = `${id}-message`;

  const close = () => {
    if (!pending) dialogRef.current?.close();
  };

  async function confirm() {
    setPending(true);
    try {
      await onConfirm();
      dialogRef.current?.close();
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <Button
        variant={variant}
        size={size}
        disabled={disabled}
        className={className}
        aria-haspopup="dialog"
        onClick={() => dialogRef.current?.showModal()}
      >
        {children}
      </Button>
      <dialog
        ref={dialogRef}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={messageId}
        onCancel={(e) => {
          if (pending) e.preventDefault();
        }}
        onClick={(e) => {
          if (e.target === e.currentTarget) close();
        }}
        className={cn(
          // text-left: the dialog sits where its button is (often a right-aligned table cell) and inherits from it.
          "m-auto w-full max-w-md rounded-md border border-zinc-200 bg-white p-0 text-left text-zinc-900 shadow-lg",
          "backdrop:bg-zinc-900/40",
        )}
      >
        <div className="space-y-2 px-5 pt-5">
          <h2 id={titleId} className="text-base font-semibold">
            {title}
          </h2>
          <p id={messageId} className="text-sm text-zinc-600">
            {message}
          </p>
        </div>
        <div className="flex justify-end gap-2 px-5 py-4">
          <Button variant="secondary" onClick={close} disabled={pending} autoFocus>
            {cancelLabel}
          </Button>
          <Button variant="danger" onClick={confirm} loading={pending}>
            {confirmLabel}
          </Button>
        </div>
      </dialog>
    </>
  );
}
