import { useState } from 'preact/hooks';
import { base64Bytes, formatSize, header, hexDump, prettyBody } from './format.js';
import type { BodyJson } from './types.js';

type Mode = 'pretty' | 'raw' | 'hex';

/** A body with its Pretty / Raw / Hex toggle; binary bodies open as hex. */
export function BodyView({ body, headers }: { body: BodyJson; headers: Array<[string, string]> }) {
  const [chosen, setMode] = useState<Mode | null>(null);
  const mode: Mode = chosen ?? (body.text === null ? 'hex' : 'pretty');
  if (body.size === 0) return <p class="muted">no body</p>;
  let shown: string;
  let note = '';
  if (mode === 'hex' || body.text === null) {
    shown = hexDump(base64Bytes(body.base64));
  } else if (mode === 'raw') {
    shown = body.text;
  } else {
    const pretty = prettyBody(body.text, header(headers, 'content-type'));
    shown = pretty.text;
    note = pretty.kind;
  }
  return (
    <div class="body">
      <div class="body-bar">
        <span class="muted">
          {formatSize(body.size)}
          {body.decodedFrom ? ` · ${body.decodedFrom} decoded` : ''}
          {body.truncated ? ' · truncated (only the first 1 MiB kept)' : ''}
          {note ? ` · ${note}` : ''}
        </span>
        <span class="toggle">
          {(['pretty', 'raw', 'hex'] as const).map((m) => (
            <button
              key={m}
              type="button"
              class={m === mode ? 'on' : ''}
              disabled={m !== 'hex' && body.text === null}
              onClick={() => setMode(m)}
            >
              {m}
            </button>
          ))}
        </span>
      </div>
      <pre class={`body-text ${mode}`} data-testid="body">
        {shown}
      </pre>
    </div>
  );
}
