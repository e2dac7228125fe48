/**
 * One suite for every shim's PinnedFetch: the request reaches the given
 * address of a name that does not resolve here (.test), names the host in
 * `Host` and, over https, in SNI, and the certificate is verified against that
 * name with the system's trust (plus NODE_EXTRA_CA_CERTS, as a user trusts a
 * private CA): a certificate for another name or an untrusted one is refused,
 * also on a connection the process already holds to that address. The fetch
 * runs in a child (pinned-fetch-driver.ts), where NODE_EXTRA_CA_CERTS applies.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";

type Outcome = { status: number; body: string } | { error: string };

const DRIVER = join(import.meta.dir, "pinned-fetch-driver.ts");
const CASE_TIMEOUT_MS = 20_000;

interface Seen {
  host?: string;
  sni?: string | false | null;
  address: string;
}

function listen(server: HttpServer | HttpsServer, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** The shim's `exportName` of `module` (absolute path), run by the executable `runner()` gives. */
export function pinnedFetchCases(runtime: string, runner: () => string, module: string, exportName: string): void {
  /** Runs requests in order in one child, with `env` (NODE_EXTRA_CA_CERTS) beside PATH. */
  async function run(requests: { url: string; addresses: string[] }[], env: Record<string, string>): Promise<Outcome[]> {
    const child = Bun.spawn([runner(), DRIVER, module, exportName, JSON.stringify(requests)], { env: { PATH: process.env.PATH!, ...env }, stdout: "pipe", stderr: "inherit" });
    const [text, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    if (code !== 0) throw new Error(`${runtime} driver exited ${code}`);
    return JSON.parse(text);
  }


  describe(`${runtime} PinnedFetch`, () => {
    let dir: string;
    let certFile: string;
    let http: HttpServer;
    let http6: HttpServer;
    let https: HttpsServer;
    let httpPort: number;
    let http6Port: number;
    let httpsPort: number;
    const seen: Seen[] = [];
    const answer = (req: IncomingMessage, res: ServerResponse) => {
      seen.push({ host: req.headers.host, sni: (req.socket as TLSSocket).servername, address: req.socket.localAddress! });
      res.end(`page at ${req.url}`);
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "clawgate-pinned-"));
      certFile = join(dir, "cert.pem");
      const keyFile = join(dir, "key.pem");
      const made = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=pinned.test", "-addext", "subjectAltName=DNS:pinned.test"], { stderr: "pipe" });
      if (made.exitCode !== 0) throw new Error(`openssl: ${made.stderr.toString()}`);
      http = createHttpServer(answer);
      https = createHttpsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, answer);
      httpPort = await listen(http, "127.0.0.1");
      http6 = createHttpServer(answer);
      http6Port = await listen(http6, "::1");
      httpsPort = await listen(https, "127.0.0.1");
    });

    afterAll(async () => {
      for (const s of [http, http6, https]) s?.closeAllConnections();
      await Promise.all([http, http6, https].map((s) => s && new Promise((r) => s.close(r))));
      rmSync(dir, { recursive: true, force: true });
    });

    const trusted = () => ({ NODE_EXTRA_CA_CERTS: certFile });

    test("http: the name is never resolved; the request goes to the address and names the host", async () => {
      seen.length = 0;
      const [out] = await run([{ url: `http://pinned.test:${httpPort}/a?b=1`, addresses: ["127.0.0.1"] }], {});
      expect(out).toEqual({ status: 200, body: "page at /a?b=1" });
      expect(seen).toEqual([{ host: `pinned.test:${httpPort}`, sni: undefined, address: "127.0.0.1" }]);
    }, CASE_TIMEOUT_MS);

    test("an IPv6 address is connected to as such; Host still names the host", async () => {
      seen.length = 0;
      const [out] = await run([{ url: `http://pinned.test:${http6Port}/six`, addresses: ["::1"] }], {});
      expect(out).toEqual({ status: 200, body: "page at /six" });
      expect(seen).toEqual([{ host: `pinned.test:${http6Port}`, sni: undefined, address: "::1" }]);
    }, CASE_TIMEOUT_MS);

    test("an address that refuses the connection gives way to the next approved one", async () => {
      seen.length = 0;
      // All of 127/8 is loopback here, and nothing listens on 127.0.0.2.
      const [out] = await run([{ url: `http://pinned.test:${httpPort}/next`, addresses: ["127.0.0.2", "127.0.0.1"] }], {});
      expect(out).toEqual({ status: 200, body: "page at /next" });
      expect(seen.map((s) => s.address)).toEqual(["127.0.0.1"]);
    }, CASE_TIMEOUT_MS);

    test("https: SNI and certificate check use the name; a certificate for another name is refused, even after a connection to the same address", async () => {
      seen.length = 0;
      const [good, other] = await run([
        { url: `https://pinned.test:${httpsPort}/tls`, addresses: ["127.0.0.1"] },
        { url: `https://other.test:${httpsPort}/tls`, addresses: ["127.0.0.1"] },
      ], trusted());
      expect(good).toEqual({ status: 200, body: "page at /tls" });
      expect(seen).toEqual([{ host: `pinned.test:${httpsPort}`, sni: "pinned.test", address: "127.0.0.1" }]);
      expect(other).toEqual({ error: expect.stringMatching(/ALTNAME|other\.test/) });
    }, CASE_TIMEOUT_MS);

    test("https: verification stays on; a certificate the system does not trust is refused", async () => {
      seen.length = 0;
      const [out] = await run([{ url: `https://pinned.test:${httpsPort}/tls`, addresses: ["127.0.0.1"] }], {});
      expect(out).toEqual({ error: expect.stringMatching(/SELF_SIGNED|self[- ]signed/i) });
      expect(seen).toEqual([]);
    }, CASE_TIMEOUT_MS);
  });
}
