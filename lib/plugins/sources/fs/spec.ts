import { ZAbsolutePath } from "../../../validations/common";
import { z } from "../../../validations/zod";
import { defineSourceKind } from "../spec";

/** A directory the server can read, typically an NFS mount shared by all instances. */
export const fsSpec = defineSourceKind({
  kind: "fs",
  input: () => ({ path: ZAbsolutePath }),
  settings: z.object({ path: z.string() }),
  secretFields: [],
  mergeSecret: () => ({ secret: {} }),
  location: (s) => s.path,
  fileFields: [{ name: "path" }],
  form: [{ name: "path", type: "text", initial: "", hint: true, placeholder: "/mnt/plugins" }],
});
