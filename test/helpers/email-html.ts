// Checks of an email's HTML part that need no browser: every element opened is closed, in order;
// nothing that fetches or runs; the text between the tags is escaped (no bare "<", ">" or "&").
const VOID = new Set(['meta', 'br', 'hr', 'img', 'link', 'input']);

/** The problems found, or [] for well-formed HTML. */
export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const body = html.replace(/^<!DOCTYPE html>\s*/i, '');
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    checkText(body.slice(last, m.index), problems);
    last = tag.lastIndex;
    const [, closing, rawName, , selfClosing] = m;
    const name = rawName!.toLowerCase();
    if (closing) {
      const top = open.pop();
      if (top !== name) problems.push(`</${name}> closes <${top ?? 'nothing'}>`);
    } else if (!selfClosing && !VOID.has(name)) {
      open.push(name);
    }
  }
  checkText(body.slice(last), problems);
  if (open.length) problems.push(`never closed: ${open.join(', ')}`);
  if (/<(script|img|link|iframe|object|style)\b/i.test(html)) problems.push('an element that runs or fetches something');
  if (/\son[a-z]+=/i.test(html)) problems.push('an event handler attribute');
  if (/\ssrc=|url\(/i.test(html)) problems.push('an external resource');
  return problems;
}

function checkText(text: string, problems: string[]): void {
  if (/[<>]/.test(text)) problems.push(`unescaped < or > in: ${text.slice(0, 60)}`);
  if (/&(?!(amp|lt|gt|quot|#39|nbsp);)/.test(text)) problems.push(`unescaped & in: ${text.slice(0, 60)}`);
}

/** The HTML part's words without its tags, entities read back: what a reader sees. */
export function htmlWords(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The addresses the HTML part's links go to. */
export function htmlLinks(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}
