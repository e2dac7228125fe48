/**
 * The Control UI's HTTP side on real gateways (core/http/control-ui.ts): the
 * built-in pages at `/` on Bun and Node with upstream's CSP and cache
 * headers, deep routes and their relative assets, the Accept-driven SPA
 * fallback, `basePath`, `gateway.controlUi.enabled` hot-applied from the
 * file, `gateway.controlUi.root` serving another build (the real upstream
 * one where it is installed), and path traversal refused.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testNeeding } from "../../harness/capability.ts";
import { newDevice, signedConnectParams } from "../../harness/device.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../../harness/gateway.ts";
import { CACHE_DIR } from "../../harness/openclaw-cli.ts";
import { RawSocket } from "../../harness/raw-socket.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../../harness/runtimes.ts";

const HTML = { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

/** The built-in index's script path (`/assets/index-<hash>.js`, rewritten from `./assets/`). */
function scriptOf(html: string): string {
  const src = /<script[^>]+src="([^"]+)"/.exec(html)?.[1];
  if (!src) throw new Error(`no script in ${html}`);
  return src;
}

/** Resolves once `cond` holds (the config watcher applies a file edit within a moment). */
async function until(cond: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

function raw(port: number, path: string): Promise<string> {
  // fetch() normalizes `..` away; a raw request line sends the path as written.
  return new Promise((resolve, reject) => {
    let text = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open: (s) => void s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
        data: (_s, d) => void (text += d.toString()),
        close: () => resolve(text),
        error: (_s, e) => reject(e),
      },
    }).catch(reject);
  });
}

describe.each(RUNTIMES)("built-in UI on the %s gateway", (runtime) => {
  let gw: RuntimeGateway;
  let base: string;
  beforeAll(async () => {
    gw = await startRuntimeGateway(runtime);
    base = `http://127.0.0.1:${gw.port}`;
  }, 30_000);
  afterAll(() => gw?.stop());

  test("GET / -> the page, no-cache, upstream's CSP and frame refusal", async () => {
    const res = await fetch(`${base}/`, { headers: HTML });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toStartWith("default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none';");
    expect(csp).toContain("script-src 'self';");
    const html = await res.text();
    expect(html).toContain('<html data-openclaw-control-ui-base-path=""');
    expect(scriptOf(html)).toMatch(/^\/assets\/index-[a-z0-9]+\.js$/);
  });

  test("a hashed asset -> immutable, its type, gzip when accepted; the same bytes under a deep route", async () => {
    const path = scriptOf(await (await fetch(`${base}/`)).text());
    const res = await fetch(`${base}${path}`, { headers: { "Accept-Encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const body = await res.text();
    expect(body).toContain("openclaw-control-ui");
    expect(await (await fetch(`${base}/chat/main${path}`)).text()).toBe(body);
  });

  test("deep routes -> the page for browsers; 404 for a caller refusing HTML and for missing assets", async () => {
    for (const route of ["/chat/main", "/chat/main/dashboard/x1", "/config", "/logs"]) {
      const res = await fetch(`${base}${route}`, { headers: HTML });
      expect([route, res.status, res.headers.get("content-type")]).toEqual([route, 200, "text/html; charset=utf-8"]);
    }
    expect((await fetch(`${base}/chat/main`, { headers: { Accept: "application/json" } })).status).toBe(404);
    expect((await fetch(`${base}/chat/main`, { headers: { Accept: "text/html;q=0, */*" } })).status).toBe(404);
    expect((await fetch(`${base}/assets/missing-abc.js`, { headers: HTML })).status).toBe(404);
  });

  test("the gateway's own routes stay theirs: /health JSON, /v1 and POST not the UI", async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ ok: true, status: "live" });
    const v1 = await fetch(`${base}/v1/models`, { headers: HTML });
    expect(v1.headers.get("content-type")).toStartWith("application/json");
    const post = await fetch(`${base}/`, { method: "POST", headers: HTML });
    expect(post.status).toBe(404);
    expect(await post.json()).toEqual({ error: { message: "Not Found", type: "not_found" } });
  });

  test("control-ui-config.json (upstream's bootstrap) -> 401 without the Bearer secret; with it, upstream's fields", async () => {
    const none = await fetch(`${base}/control-ui-config.json`, { headers: { Accept: "application/json" } });
    expect([none.status, await none.json()]).toEqual([401, { error: { message: "Unauthorized", type: "unauthorized" } }]);
    for (const path of ["/control-ui-config.json", "/__openclaw/control-ui-config.json"]) {
      const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${TEST_TOKEN}` } });
      expect([res.status, res.headers.get("cache-control")]).toEqual([200, "no-cache"]);
      expect(await res.json()).toMatchObject({ basePath: "", assistantName: "Assistant", assistantAgentId: "main", serverVersion: "2026.9.6", terminalEnabled: false, pluginAssetsRequireAuth: true, pluginFrameGrants: [] });
    }
  });

  test("control-ui-config.json with a paired device's operator token as Bearer -> 200; a made-up token -> 401", async () => {
    const device = newDevice();
    const sock = await RawSocket.open(gw.url);
    try {
      const hello = await sock.request("connect", signedConnectParams(device, { nonce: sock.nonce, token: TEST_TOKEN }), "c1");
      const deviceToken = hello.payload.auth.deviceToken as string;
      expect(deviceToken).toBeString();
      const ok = await fetch(`${base}/control-ui-config.json`, { headers: { Authorization: `Bearer ${deviceToken}` } });
      expect(ok.status).toBe(200);
      const made = await fetch(`${base}/control-ui-config.json`, { headers: { Authorization: `Bearer ${deviceToken.slice(0, -2)}xx` } });
      expect(made.status).toBe(401);
    } finally {
      sock.close();
    }
  });

  test("traversal in the raw request path -> 404 (encoded) or the app shell (dot segments the URL parser folds), never a file", async () => {
    for (const path of ["/assets/..%2f..%2f..%2fetc%2fpasswd", "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/assets/%00.js", "/assets/..%5c..%5cetc%5cpasswd"]) {
      const text = await raw(gw.port, path);
      expect([path, text.split("\r\n")[0]]).toEqual([path, "HTTP/1.1 404 Not Found"]);
      expect(text).not.toContain("root:x:0:0");
    }
    const folded = await raw(gw.port, "/../../../../etc/passwd");
    expect(folded).not.toContain("root:x:0:0");
    expect(folded).toContain('<div id="app"></div>');
  });
});

describe("gateway.controlUi settings", () => {
  test("enabled: false in the file -> pages stop at once, /health stays; true -> back, no restart", async () => {
    const gw = await startRuntimeGateway("bun");
    try {
      const base = `http://127.0.0.1:${gw.port}`;
      const file = join(gw.stateDir, "openclaw.json");
      const config = JSON.parse(readFileSync(file, "utf8"));
      const set = (enabled: boolean) => writeFileSync(file, JSON.stringify({ ...config, gateway: { ...config.gateway, controlUi: { enabled } } }));
      const status = async () => (await fetch(`${base}/`, { headers: HTML })).status;
      expect(await status()).toBe(200);
      set(false);
      await until(async () => (await status()) === 404);
      expect((await fetch(`${base}/health`)).status).toBe(200);
      set(true);
      await until(async () => (await status()) === 200);
      expect(gw.stderr()).not.toContain("restart");
    } finally {
      await gw.stop();
    }
  }, 30_000);

  test("basePath /openclaw -> redirect to the slash form, assets under it, / is not the UI", async () => {
    const gw = await startTestGateway({ config: { gateway: { controlUi: { basePath: "/openclaw/" } } } });
    try {
      const base = `http://127.0.0.1:${gw.port}`;
      const redirect = await fetch(`${base}/openclaw?x=1`, { redirect: "manual" });
      expect([redirect.status, redirect.headers.get("location")]).toEqual([302, "/openclaw/?x=1"]);
      const html = await (await fetch(`${base}/openclaw/chat/main`, { headers: HTML })).text();
      expect(html).toContain('data-openclaw-control-ui-base-path="/openclaw"');
      expect(scriptOf(html)).toMatch(/^\/openclaw\/assets\/index-/);
      expect((await fetch(`${base}${scriptOf(html)}`)).status).toBe(200);
      expect((await fetch(`${base}/`, { headers: HTML })).status).toBe(404);
    } finally {
      await gw.stop();
    }
  });
});

describe("gateway.controlUi.root", () => {
  let dir: string;
  let gw: TestGateway;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "clawgate-ui-root-"));
    const root = join(dir, "build");
    mkdirSync(join(root, "assets"), { recursive: true });
    writeFileSync(join(root, "index.html"), '<!doctype html><html><head><script type="module" src="./assets/app.js"></script><script>window.boot=1</script></head><body>other build</body></html>');
    writeFileSync(join(root, "assets", "app.js"), "console.log('app')");
    writeFileSync(join(root, "assets", "app.js.gz"), Bun.gzipSync("console.log('app from .gz')"));
    writeFileSync(join(dir, "secret.txt"), "outside the root");
    symlinkSync(join(dir, "secret.txt"), join(root, "assets", "link.js"));
    linkSync(join(dir, "secret.txt"), join(root, "assets", "hard.js"));
    gw = await startTestGateway({ config: { gateway: { controlUi: { root } } } });
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("its files, no-cache (not hashed), the inline script's hash in the CSP; deep routes fall back to its index", async () => {
    const base = `http://127.0.0.1:${gw.port}`;
    const index = await fetch(`${base}/chat/main/x`, { headers: HTML });
    const html = await index.text();
    expect(html).toContain("other build");
    expect(html).toContain('src="/assets/app.js"');
    const hash = new Bun.CryptoHasher("sha256").update("window.boot=1").digest("base64");
    expect(index.headers.get("content-security-policy")).toContain(`script-src 'self' 'sha256-${hash}';`);
    const asset = await fetch(`${base}/chat/main/assets/app.js`, { headers: { "Accept-Encoding": "identity" } });
    expect([asset.status, asset.headers.get("cache-control"), await asset.text()]).toEqual([200, "no-cache", "console.log('app')"]);
  });

  test("a .gz beside a file -> sent for a gzip-accepting caller, as it is", async () => {
    const res = await fetch(`http://127.0.0.1:${gw.port}/assets/app.js`, { headers: { "Accept-Encoding": "gzip" } });
    expect([res.headers.get("content-encoding"), res.headers.get("content-type"), await res.text()]).toEqual(["gzip", "application/javascript; charset=utf-8", "console.log('app from .gz')"]);
  });

  test("a symlink or hard link leading out of the root -> 404", async () => {
    const base = `http://127.0.0.1:${gw.port}`;
    for (const path of ["/assets/link.js", "/assets/hard.js"]) {
      const res = await fetch(`${base}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
      expect(await res.text()).not.toContain("outside the root");
    }
  });

  test("a root without index.html -> 503 with upstream's message", async () => {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    const other = await startTestGateway({ config: { gateway: { controlUi: { root: empty } } } });
    try {
      const res = await fetch(`http://127.0.0.1:${other.port}/`, { headers: HTML });
      expect(res.status).toBe(503);
      expect(await res.text()).toBe(`Control UI assets not found at ${empty}. Build them with \`pnpm ui:build\` (auto-installs UI deps), or update gateway.controlUi.root.`);
    } finally {
      await other.stop();
    }
  });
});

const UPSTREAM_UI = join(CACHE_DIR, "node_modules", "openclaw", "dist", "control-ui");
const upstreamTest = testNeeding("the openclaw package's dist/control-ui", existsSync(join(UPSTREAM_UI, "index.html")) ? undefined : `no ${UPSTREAM_UI} (npm run test:openclaw-cli installs it)`);

describe("the real upstream build as gateway.controlUi.root", () => {
  upstreamTest("a deep route -> its index; every script and stylesheet it links resolves from there", async () => {
    const gw = await startTestGateway({ config: { gateway: { controlUi: { root: UPSTREAM_UI } } } });
    try {
      const page = `http://127.0.0.1:${gw.port}/chat/main`;
      const html = await (await fetch(page, { headers: HTML })).text();
      expect(html).toContain("<title>OpenClaw Control</title>");
      const links = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
      expect(links.length).toBeGreaterThan(3);
      for (const link of links) {
        const res = await fetch(new URL(link, page));
        expect([link, res.status]).toEqual([link, 200]);
      }
    } finally {
      await gw.stop();
    }
  });
});
