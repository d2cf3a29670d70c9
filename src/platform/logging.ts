// What the request log may hold. Secrets (tokens, cookies, passwords) are cut out wherever they
// appear, and URLs are logged without the values of their query strings: a query string can hold
// what a person typed (a name, a number), and a log is read by more people than the audit log.
import type { Writable } from 'node:stream';

/** The path of a URL with every query value replaced: "/api/residents?q=[redacted]&limit=[redacted]". */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const at = url.indexOf('?');
  if (at < 0) return url;
  const keys = url
    .slice(at + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const key = pair.split('=')[0] ?? '';
      // A key is a field name; anything else in its place is redacted too.
      return `${/^[\w.[\]-]{1,40}$/.test(key) ? key : '[redacted]'}=[redacted]`;
    });
  return `${url.slice(0, at)}?${keys.join('&')}`;
}

interface LoggedRequest {
  method: string;
  url: string;
  ip?: string;
  hostname?: string;
  socket?: { remotePort?: number };
}

/** Pino options for the server: level, redaction of secrets, and requests logged without query values. */
export function loggerOptions(level: string, stream?: Writable): Record<string, unknown> {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.newPassword', '*.currentPassword', '*.token'], censor: '[redacted]' },
    serializers: {
      req: (req: LoggedRequest) => ({ method: req.method, url: redactUrl(req.url), host: req.hostname, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
    },
  };
}
