/**
 * Outbound text in Telegram's HTML parse mode (upstream's default): `&`, `<`,
 * `>` escaped, Markdown code fences, inline code, bold and links turned into
 * the tags Telegram accepts. When Telegram still refuses the entities, the
 * adapter resends the original text without a parse mode. Pure.
 */

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Markdown-ish agent text as Telegram HTML. */
export function toTelegramHtml(text: string): string {
  const out: string[] = [];
  // Code fences first: their content is only escaped, never formatted.
  const parts = text.split(/```(?:[\w+-]*\n)?([\s\S]*?)```/g);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      out.push(`<pre>${escapeHtml(part.replace(/\n$/, ""))}</pre>`);
      return;
    }
    const inline = part.split(/`([^`\n]+)`/g).map((piece, j) => {
      if (j % 2 === 1) return `<code>${escapeHtml(piece)}</code>`;
      return escapeHtml(piece)
        .replace(/\*\*([^*\n]+)\*\*/g, "<b>$1</b>")
        .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s"]+)\)/g, '<a href="$2">$1</a>');
    });
    out.push(inline.join(""));
  });
  return out.join("");
}
