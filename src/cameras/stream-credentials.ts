/** The schemes a camera's source URL may have. */
export const STREAM_URL_SCHEMES = ['rtsp', 'rtsps', 'http', 'https'] as const;

/** Default TCP ports of the schemes, for URLs that name none. */
export const DEFAULT_PORTS: Record<(typeof STREAM_URL_SCHEMES)[number], number> = {
  rtsp: 554,
  rtsps: 322,
  http: 80,
  https: 443,
};

/**
 * Query parameters that carry credentials in cameras' URLs (`snapshot.cgi?usr=admin&pwd=…`, `?token=…`): they are
 * kept out of the stored URL and sealed with the user name and password.
 */
const SECRET_QUERY_PARAMETER =
  /^(user(name)?|usr|login|pass(word|wd)?|pwd|token|access_token|auth|key|api_?key|secret|sig(nature)?)$/i;

/** What a camera's stream needs besides its URL; stored sealed, never returned except by the stream route. */
export interface StreamCredentials {
  username: string | null;
  password: string | null;
  /** Secret query parameters of the URL, in their order: `[name, value]`. */
  query: [string, string][];
}

export const NO_CREDENTIALS: StreamCredentials = { username: null, password: null, query: [] };

export function hasCredentials(credentials: StreamCredentials): boolean {
  return credentials.username !== null || credentials.password !== null || credentials.query.length > 0;
}

/** The URL parsed, when it is absolute, has a host and one of the stream schemes; otherwise null. */
export function parseStreamUrl(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const scheme = url.protocol.slice(0, -1);
  if (!(STREAM_URL_SCHEMES as readonly string[]).includes(scheme)) return null;
  return url.hostname === '' ? null : url;
}

/** The URL's scheme (`rtsp`, `http`, …). Only for URLs `parseStreamUrl` accepts. */
export function schemeOf(url: URL): (typeof STREAM_URL_SCHEMES)[number] {
  return url.protocol.slice(0, -1) as (typeof STREAM_URL_SCHEMES)[number];
}

/**
 * Splits a source URL into the URL without secrets (no user-info, no secret query parameters) and the secrets it
 * held. The URL must be one `parseStreamUrl` accepts.
 */
export function splitStreamUrl(text: string): { url: string; credentials: StreamCredentials } {
  const url = parseStreamUrl(text);
  if (!url) throw new Error('Not a stream URL');
  const credentials: StreamCredentials = {
    username: url.username === '' ? null : decode(url.username),
    // `rtsp://user:@host` has an empty password: nothing to keep.
    password: url.password === '' ? null : decode(url.password),
    query: [],
  };
  url.username = '';
  url.password = '';
  const parameters = [...url.searchParams];
  const secret = parameters.filter(([name]) => SECRET_QUERY_PARAMETER.test(name));
  if (secret.length > 0) {
    credentials.query = secret;
    const kept = parameters.filter(([name]) => !SECRET_QUERY_PARAMETER.test(name));
    url.search = kept.length > 0 ? new URLSearchParams(kept).toString() : '';
  }
  return { url: url.toString(), credentials };
}

/** The URL a client connects with: the stored URL with the credentials put back. */
export function joinStreamUrl(text: string, credentials: StreamCredentials): string {
  const url = new URL(text);
  if (credentials.username !== null) url.username = encodeURIComponent(credentials.username);
  if (credentials.password !== null) url.password = encodeURIComponent(credentials.password);
  for (const [name, value] of credentials.query) url.searchParams.append(name, value);
  return url.toString();
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}
