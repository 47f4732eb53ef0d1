"use client";

import type { AriaLabelConfig } from "@xyflow/react";
import { useTranslations } from "next-intl";
import { useMemo } from "react";

/** The canvas library's screen-reader texts and control titles, in the interface language. */
export function useFlowLabels(): Partial<AriaLabelConfig> {
  const t = useTranslations("editor.flow");
  return useMemo(
    () => ({
      "node.a11yDescription.default": t("nodeDescription"),
      "node.a11yDescription.keyboardDisabled": t("nodeDescriptionKeyboard"),
      "node.a11yDescription.ariaLiveMessage": ({ direction, x, y }: { direction: string; x: number; y: number }) => t("nodeMoved", { direction, x, y }),
      "edge.a11yDescription.default": t("edgeDescription"),
      "controls.ariaLabel": t("controls"),
      "controls.zoomIn.ariaLabel": t("zoomIn"),
      "controls.zoomOut.ariaLabel": t("zoomOut"),
      "controls.fitView.ariaLabel": t("fitView"),
      "controls.interactive.ariaLabel": t("interactive"),
      "minimap.ariaLabel": t("minimap"),
      "handle.ariaLabel": t("handle"),
    }),
    [t],
  );
}
