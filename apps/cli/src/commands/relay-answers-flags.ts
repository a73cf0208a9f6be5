import { readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { FileConfig } from '../config.js';
import { UserError } from '../user-error.js';

/** Mirrors `HANDSHAKE_KINDS` of the protocol, kept here so `hookline --version` loads no zod. */
const HANDSHAKES = ['slack', 'zoom', 'graph', 'websub', 'cloudevents'] as const;
type Handshake = (typeof HANDSHAKES)[number];
const MAX_BODY_BYTES = 64 * 1024;
const MAX_HEADERS = 16;
const FRAMING = /^(content-length|transfer-encoding|connection|keep-alive|upgrade|trailer|te)$/i;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface RelayAnswerFlags {
  /** `--handshake slack,zoom`, repeatable. */
  handshake?: string[];
  /** `--offline-response 202` or `status=202,body=reply.json,type=…,header=Name: value`. */
  offlineResponse?: string;
  secret?: string[];
}

export interface RelayAnswerOptions {
  handshakes?: Handshake[];
  handshakeSecrets?: { zoom: string };
  offlineResponse?: { status: number; headers: string[]; body: Buffer };
}

function parseHandshakes(text: readonly string[]): Handshake[] {
  const kinds = text
    .flatMap((item) => item.split(','))
    .map((kind) => kind.trim().toLowerCase())
    .filter(Boolean);
  for (const kind of kinds) {
    if (!(HANDSHAKES as readonly string[]).includes(kind)) {
      throw new UserError(`--handshake: unknown handshake "${kind}" (known: ${HANDSHAKES.join(', ')})`);
    }
  }
  return [...new Set(kinds)] as Handshake[];
}

/**
 * `--offline-response`: a status alone (`202`), or `key=value` pairs separated
 * by commas: `status` (required), `body` (a file, ≤ 64 KiB), `type` (its
 * Content-Type; by default from the file's extension) and `header=Name: value`
 * (repeatable). The relay frames the answer, so framing headers are refused.
 */
export function parseOfflineResponse(spec: string, cwd: string): NonNullable<RelayAnswerOptions['offlineResponse']> {
  const problem = (message: string) => new UserError(`--offline-response: ${message}`);
  if (/^\d+$/.test(spec.trim())) return checked(Number(spec), [], Buffer.alloc(0));
  let status: number | undefined;
  let bodyFile: string | undefined;
  let type: string | undefined;
  const headers: string[] = [];
  for (const part of spec.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) throw problem(`"${part}" is not key=value (keys: status, body, type, header)`);
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 'status') status = Number(value);
    else if (key === 'body') bodyFile = value;
    else if (key === 'type') type = value;
    else if (key === 'header') {
      const colon = value.indexOf(':');
      if (colon <= 0) throw problem(`header "${value}" must be "Name: value"`);
      headers.push(value.slice(0, colon).trim(), value.slice(colon + 1).trim());
    } else throw problem(`unknown key "${key}" (keys: status, body, type, header)`);
  }
  if (status === undefined) throw problem('status=<code> is required');
  let body = Buffer.alloc(0);
  if (bodyFile !== undefined) {
    const path = resolve(cwd, bodyFile);
    let size: number;
    try {
      size = statSync(path).size;
    } catch (error) {
      throw problem(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (size > MAX_BODY_BYTES) throw problem(`${path} is ${size} bytes; an offline response body is at most 64 KiB`);
    body = readFileSync(path);
    type ??= TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  }
  if (type !== undefined) headers.unshift('content-type', type);
  return checked(status, headers, body);

  function checked(code: number, list: string[], bytes: Buffer) {
    if (!Number.isInteger(code) || code < 200 || code > 599) throw problem(`status must be 200-599, not "${code}"`);
    if (list.length / 2 > MAX_HEADERS) throw problem(`at most ${MAX_HEADERS} headers`);
    for (let i = 0; i < list.length; i += 2) {
      const name = list[i] as string;
      if (!TOKEN.test(name)) throw problem(`"${name}" is not a header name`);
      if (FRAMING.test(name)) throw problem(`${name} is set by the relay, not by an offline response`);
      if (!/^[\t\x20-\x7e]*$/.test(list[i + 1] as string)) throw problem(`the value of ${name} has control characters`);
    }
    return { status: code, headers: list, body: bytes };
  }
}

/**
 * `--handshake` > `HOOKLINE_HANDSHAKES` > `"handshakes"`; `--offline-response` >
 * `HOOKLINE_OFFLINE_RESPONSE` > `"offlineResponse"`. Zoom's secret token comes
 * the way signing secrets do (`--secret zoom=…`, `HOOKLINE_SECRET_ZOOM`,
 * `"secrets": {"zoom": …}`); it is taken out of what the signature config sees.
 */
export function resolveRelayAnswers(
  flags: RelayAnswerFlags,
  env: NodeJS.ProcessEnv,
  file: FileConfig,
  cwd: string,
): { options: RelayAnswerOptions; secretFlags: string[] | undefined; fileForSignatures: FileConfig } {
  const zoomFlag = flags.secret?.filter((flag) => /^zoom=/i.test(flag)).at(-1);
  const secretFlags = flags.secret?.filter((flag) => !/^zoom=/i.test(flag));
  const { zoom: zoomFile, ...otherSecrets } = file.secrets ?? {};
  const fileForSignatures: FileConfig = file.secrets ? { ...file, secrets: otherSecrets } : file;
  const zoom = zoomFlag?.slice('zoom='.length) || env.HOOKLINE_SECRET_ZOOM || zoomFile;

  const listed = flags.handshake ?? (env.HOOKLINE_HANDSHAKES ? [env.HOOKLINE_HANDSHAKES] : file.handshakes);
  const handshakes = listed ? parseHandshakes(listed) : [];
  if (handshakes.includes('zoom') && !zoom) {
    throw new UserError(
      "--handshake zoom needs the app's secret token: --secret zoom=<token> (or HOOKLINE_SECRET_ZOOM, or secrets.zoom in hookline.json)",
    );
  }
  const spec = flags.offlineResponse ?? (env.HOOKLINE_OFFLINE_RESPONSE || file.offlineResponse);
  const options: RelayAnswerOptions = {
    ...(handshakes.length > 0 ? { handshakes } : {}),
    ...(handshakes.includes('zoom') && zoom ? { handshakeSecrets: { zoom } } : {}),
    ...(spec === undefined ? {} : { offlineResponse: parseOfflineResponse(spec, cwd) }),
  };
  return { options, secretFlags, fileForSignatures };
}
