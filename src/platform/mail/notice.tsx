import { render } from 'preact-render-to-string';
import type { MailMessage } from './index.js';

/** The parts of a short service email: greeting, paragraphs, an optional button link. */
export interface Notice {
  to: string;
  lang: 'bg' | 'en';
  template: string;
  subject: string;
  greeting: string;
  paragraphs: string[];
  link?: { label: string; url: string };
  /** Lines after the link, e.g. "if it was not you …". */
  after?: string[];
}

const SIGNATURE = { bg: 'Столична община · 0700 17 310', en: 'Sofia Municipality · +359 700 17 310' };

/** Renders a service email as plain text and escaped HTML, in one language (NF-1). */
export function noticeMail(n: Notice): MailMessage {
  const text = [n.greeting, '', ...n.paragraphs.flatMap((p) => [p, '']), ...(n.link ? [`${n.link.label}:`, n.link.url, ''] : []), ...(n.after ?? []).flatMap((p) => [p, '']), '--', SIGNATURE[n.lang]].join('\n');
  const html =
    '<!doctype html>' +
    render(
      <html lang={n.lang}>
        <body style="font-family: sans-serif; line-height: 1.5">
          <p>{n.greeting}</p>
          {n.paragraphs.map((p) => (
            <p>{p}</p>
          ))}
          {n.link && (
            <p>
              <a href={n.link.url}>{n.link.label}</a>
              <br />
              <span style="color:#555">{n.link.url}</span>
            </p>
          )}
          {(n.after ?? []).map((p) => (
            <p>{p}</p>
          ))}
          <p style="color:#555">{SIGNATURE[n.lang]}</p>
        </body>
      </html>,
    );
  return { to: n.to, subject: n.subject, text, html, lang: n.lang, template: n.template };
}
