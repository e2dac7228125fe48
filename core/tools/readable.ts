/**
 * HTML reduced to readable text for web_fetch: Mozilla's Readability (the
 * extractor upstream uses) picks the main content out of a linkedom DOM, and
 * a small walker writes it as markdown or plain text. Both libraries load on
 * the first HTML page, so a gateway whose agents never fetch one does not
 * carry them. Runtime-agnostic (pure JavaScript libraries).
 */

export interface Readable {
  title?: string;
  text: string;
  extractor: "readability" | "raw-html";
}

/** The few DOM members read here; linkedom's nodes have them (core type-checks without the DOM lib). */
interface DomNode {
  nodeType: number;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  tagName?: string;
  getAttribute(name: string): string | null;
  remove(): void;
}

interface DomDocument {
  body: DomNode | null;
  documentElement: DomNode;
  querySelector(selector: string): DomNode | null;
  querySelectorAll(selector: string): ArrayLike<DomNode>;
}

interface Article {
  title?: string | null;
  content?: DomNode | null;
}

type Libraries = {
  parseHTML: (html: string) => { document: DomDocument };
  Readability: new (document: DomDocument, options: { serializer: (node: DomNode) => DomNode }) => { parse(): Article | null };
};
let libraries: Promise<Libraries> | undefined;

function load(): Promise<Libraries> {
  return (libraries ??= Promise.all([import("linkedom"), import("@mozilla/readability")]).then(([linkedom, readability]) => ({
    parseHTML: linkedom.parseHTML as unknown as Libraries["parseHTML"],
    Readability: readability.Readability as unknown as Libraries["Readability"],
  })));
}

/** The readable content of an HTML page; the whole body when Readability finds no article (or is off). */
export async function readableHtml(html: string, mode: "markdown" | "text", useReadability: boolean): Promise<Readable> {
  const { parseHTML, Readability } = await load();
  const { document } = parseHTML(html);
  const title = document.querySelector("title")?.textContent?.trim() || undefined;
  if (useReadability) {
    // Readability changes the document it reads; the fallback below reads a fresh parse.
    const article = new Readability(parseHTML(html).document, { serializer: (node) => node }).parse();
    const root = article?.content;
    if (root) {
      const text = render(root, mode);
      if (text) return { title: article?.title?.trim() || title, text, extractor: "readability" };
    }
  }
  for (const el of Array.from(document.querySelectorAll("script, style, noscript, template, svg"))) el.remove();
  return { title, text: render(document.body ?? document.documentElement, mode), extractor: "raw-html" };
}

const BLOCKS = new Set(["p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "ul", "ol", "li", "table", "tr", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "figure", "figcaption", "dl", "dt", "dd"]);
const SKIP = new Set(["script", "style", "noscript", "template", "svg", "head"]);

/** Text of a DOM subtree with block structure kept; markdown adds headings, links, list markers and code fences. */
function render(root: DomNode, mode: "markdown" | "text"): string {
  const out: string[] = [];
  const md = mode === "markdown";
  const walk = (node: DomNode, listDepth: number): void => {
    if (node.nodeType === 3) {
      out.push((node.textContent ?? "").replace(/\s+/g, " "));
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) return;
    const el = node;
    const tag = el.tagName?.toLowerCase() ?? "";
    if (SKIP.has(tag)) return;
    if (tag === "br") return void out.push("\n");
    if (tag === "pre") {
      const code = el.textContent ?? "";
      out.push(md ? `\n\n\`\`\`\n${code.replace(/\n$/, "")}\n\`\`\`\n\n` : `\n\n${code}\n\n`);
      return;
    }
    const block = BLOCKS.has(tag);
    if (block) out.push("\n\n");
    if (md && /^h[1-6]$/.test(tag)) out.push(`${"#".repeat(Number(tag[1]))} `);
    if (tag === "li") out.push(`${"  ".repeat(Math.max(0, listDepth - 1))}${md ? "- " : "• "}`);
    const depth = tag === "ul" || tag === "ol" ? listDepth + 1 : listDepth;
    const href = tag === "a" ? el.getAttribute("href") : null;
    if (md && href && !href.startsWith("javascript:")) out.push("[");
    for (const child of Array.from(el.childNodes)) walk(child, depth);
    if (md && href && !href.startsWith("javascript:")) out.push(`](${href})`);
    if (block) out.push("\n\n");
  };
  walk(root, 0);
  return out.join("")
    .split("\n").map((l) => l.replace(/[ \t]+/g, " ").trim()).join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^(\s*[-•] )\n+/gm, "$1")
    .trim();
}
