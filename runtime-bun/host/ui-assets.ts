/**
 * The built-in Control UI as constants: the macro runs when this module is
 * bundled (the binary npm start runs, the Node bundle) or first
 * transpiled (the TypeScript entry), never while an idle gateway runs. It is
 * imported only when a page is first requested.
 */
import { buildControlUi } from "./ui-build.ts" with { type: "macro" };

/** Path relative to the UI root -> file text. */
export const CONTROL_UI_FILES: Record<string, string> = buildControlUi();
