import { expect, test } from "bun:test";
import { decideClose } from "../../../../core/channels/whatsapp/disconnect.ts";

test("each close status -> upstream's decision", () => {
  expect(decideClose(401, 0)).toMatchObject({ action: "stop", healthState: "logged-out" });
  expect(decideClose(440, 0)).toMatchObject({ action: "stop", healthState: "conflict" });
  expect(decideClose(403, 0)).toMatchObject({ action: "stop" });
  expect(decideClose(411, 0)).toMatchObject({ action: "stop" });
  expect(decideClose(515, 3)).toEqual({ action: "reconnect", delayMs: 0, healthState: "reconnecting", error: "WhatsApp asked for a restart (515 restartRequired)" });
  for (const status of [408, 428, 500, 503, undefined]) expect(decideClose(status, 0)).toMatchObject({ action: "reconnect", delayMs: 2000 });
});

test("back-off grows with the attempt and stays at a minute", () => {
  expect([0, 1, 2, 5, 50].map((n) => (decideClose(428, n) as { delayMs: number }).delayMs)).toEqual([2000, 4000, 8000, 60000, 60000]);
});
