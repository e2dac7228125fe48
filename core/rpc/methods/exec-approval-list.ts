/**
 * `exec.approval.list` (spec §6) with the empty truth: clawgate's agents run
 * no host commands yet, so no exec approval is ever pending. The exec
 * approvals feature replaces this module with the real `exec.approval.*`
 * group. Runtime-agnostic.
 */
import { method, noParams } from "../router.ts";

/** `exec.approval.list` alone; it needs no services. */
export function execApprovalListMethods() {
  return [method("exec.approval.list", noParams, () => [])];
}
