import { expect, test } from "bun:test";
import { discordOrigin, pinGatewayUrl, PUBLIC_DISCORD } from "../../../../core/channels/discord/origin.ts";

test("no DISCORD_API_URL -> public Discord, Gateway URLs used as given", () => {
  expect(discordOrigin(undefined)).toEqual(PUBLIC_DISCORD);
  expect(pinGatewayUrl("wss://gateway.discord.gg", PUBLIC_DISCORD)).toBe("wss://gateway.discord.gg");
});

test("a versioned override splits into REST base + version, and pins Gateway URLs to its origin", () => {
  const o = discordOrigin("https://discord.example.com/api/v10");
  expect(o).toEqual({ api: "https://discord.example.com/api", version: "10", gatewayOrigin: "wss://discord.example.com" });
  expect(pinGatewayUrl("wss://gateway-us-east1-b.discord.gg", o)).toBe("wss://discord.example.com");
  expect(pinGatewayUrl("wss://elsewhere.example/gateway?x=1", o)).toBe("wss://discord.example.com/gateway?x=1");
  expect(discordOrigin("http://127.0.0.1:4000/api/v10").gatewayOrigin).toBe("ws://127.0.0.1:4000");
  expect(discordOrigin("http://localhost:4000/api/v10/").api).toBe("http://localhost:4000/api");
});

test("plain http off loopback, an unversioned base, or garbage -> refused with the reason", () => {
  expect(() => discordOrigin("http://discord.example.com/api/v10")).toThrow("DISCORD_API_URL must use https (plain http only on loopback): http://discord.example.com");
  expect(() => discordOrigin("https://discord.example.com/api")).toThrow("must be a versioned REST base");
  expect(() => discordOrigin("not a url")).toThrow("DISCORD_API_URL is not a URL: not a url");
});
