// One email, written once as blocks and rendered twice: the plain-text part and the HTML part say
// the same words. The HTML is GOV.UK Notify's look: a black bar with the partnership's name, a
// blue stripe, Arial/Helvetica at 19px, links underlined in link blue. Inline styles only (mail
// programs drop <style>), no images, no scripts, nothing fetched from elsewhere. Every piece of
// text is escaped here, once, so no template can forget to.

/** A block of an email: a paragraph, a heading, a list, a link with its lead-in, or an inset. */
export type EmailBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: readonly string[] }
  /** "Record it on the case page:" and the address: the address on a line of its own in the text part. */
  | { kind: 'link'; lead: string; url: string }
  /** Set apart (GOV.UK inset text): what a copy to the wrong person says about why. */
  | { kind: 'inset'; text: string };

export interface Email {
  subject: string;
  blocks: EmailBlock[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML, in element content and in a quoted attribute alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The plain-text part: paragraphs apart by a blank line, a link's address on its own line. */
export function renderText(blocks: readonly EmailBlock[]): string {
  return blocks
    .map((b) => {
      switch (b.kind) {
        case 'heading':
        case 'paragraph':
        case 'inset':
          return b.text;
        case 'list':
          return b.items.map((item) => `- ${item}`).join('\n');
        case 'link':
          return `${b.lead}\n${b.url}`;
      }
    })
    .join('\n\n');
}

const FONT = 'font-family:Helvetica,Arial,sans-serif;';
const BODY_TEXT = `${FONT}font-size:19px;line-height:25px;color:#0b0c0c;`;
const P = `margin:0 0 20px 0;${BODY_TEXT}`;
const LINK = 'color:#1d70b8;text-decoration:underline;';

function blockHtml(b: EmailBlock): string {
  switch (b.kind) {
    case 'heading':
      return `<h1 style="margin:0 0 20px 0;${FONT}font-size:27px;line-height:35px;font-weight:700;color:#0b0c0c;">${escapeHtml(b.text)}</h1>`;
    case 'paragraph':
      return `<p style="${P}">${escapeHtml(b.text)}</p>`;
    case 'inset':
      return `<p style="${P}border-left:10px solid #b1b4b6;padding:15px 0 15px 15px;">${escapeHtml(b.text)}</p>`;
    case 'list':
      return `<ul style="margin:0 0 20px 0;padding:0 0 0 20px;">${b.items.map((item) => `<li style="margin:5px 0 5px 0;${BODY_TEXT}">${escapeHtml(item)}</li>`).join('')}</ul>`;
    case 'link':
      return `<p style="${P}">${escapeHtml(b.lead)} <a href="${escapeHtml(b.url)}" style="${LINK}">${escapeHtml(b.url)}</a></p>`;
  }
}

/** The HTML part: a whole document, tables for the layout as mail programs need. */
export function renderHtml(email: Email, partnershipName: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8" />',
    '<meta name="viewport" content="width=device-width, initial-scale=1" />',
    `<title>${escapeHtml(email.subject)}</title>`,
    '</head>',
    `<body style="margin:0;padding:0;background-color:#ffffff;${BODY_TEXT}">`,
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;width:100%;">',
    `<tr><td style="background-color:#0b0c0c;padding:10px 15px 10px 15px;"><span style="${FONT}font-size:28px;line-height:35px;font-weight:700;color:#ffffff;">${escapeHtml(partnershipName)}</span></td></tr>`,
    '</table>',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;max-width:580px;width:100%;">',
    '<tr><td style="background-color:#1d70b8;height:10px;font-size:1px;line-height:1px;">&nbsp;</td></tr>',
    `<tr><td style="padding:30px 15px 10px 15px;">${email.blocks.map(blockHtml).join('\n')}</td></tr>`,
    '</table>',
    '</body>',
    '</html>',
  ].join('\n');
}
