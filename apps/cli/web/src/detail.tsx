import { useState } from 'preact/hooks';
import { BodyView } from './body-view.js';
import { formatDuration } from './format.js';
import type { CaptureDetail } from './types.js';

export interface DetailActions {
  replay(resign: boolean): void;
  editAndReplay(text: string): void;
  copyCurl(): void;
  downloadHar(): void;
  select(id: string): void;
  /** Compare with the capture marked before, or mark this one. */
  diff(): void;
}

function Headers({ headers }: { headers: Array<[string, string]> }) {
  return (
    <table class="headers">
      <tbody>
        {headers.map(([name, value], index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: headers repeat; their order is their identity
          <tr key={index}>
            <th>{name}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Signature({ detail }: { detail: CaptureDetail }) {
  const verdict = detail.capture.signature;
  if (!verdict) return null;
  return (
    <p class={`signature sig-${verdict.status}`} data-testid="signature">
      signature {verdict.provider ?? ''}: <strong>{verdict.status}</strong>
      {verdict.reason ? ` — ${verdict.reason}` : ''}
    </p>
  );
}

function Links({ detail, select }: { detail: CaptureDetail; select: (id: string) => void }) {
  const { capture, deliveries } = detail;
  const others = deliveries.filter((id) => id !== capture.id);
  if (!capture.replayOf && others.length === 0) return null;
  return (
    <p class="links">
      {capture.replayOf ? (
        <>
          replay of{' '}
          <button type="button" class="link" onClick={() => select(capture.replayOf as string)}>
            #{capture.replayOf}
          </button>{' '}
        </>
      ) : null}
      {others.length > 0 ? (
        <>
          {capture.duplicateOf ? 'a resend of the same event; ' : ''}deliveries of this event:{' '}
          {others.map((id) => (
            <button key={id} type="button" class="link" onClick={() => select(id)}>
              #{id}
            </button>
          ))}
        </>
      ) : null}
    </p>
  );
}

function Editor({ text, send, cancel }: { text: string; send: (text: string) => void; cancel: () => void }) {
  const [draft, setDraft] = useState(text);
  return (
    <div class="editor">
      <p class="muted">
        Request line, headers, a blank line, the body. What you leave alone is sent byte-exact; Content-Length is set to
        the body sent.
      </p>
      <textarea
        aria-label="edited request"
        spellcheck={false}
        value={draft}
        onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
      />
      <div class="actions">
        <button type="button" class="primary" onClick={() => send(draft)}>
          Send
        </button>
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** One capture: request and response side by side, and what can be done with it. */
export function Detail({
  detail,
  actions,
  diffBase,
}: {
  detail: CaptureDetail;
  actions: DetailActions;
  /** The capture marked for a diff, if any. */
  diffBase: string | null;
}) {
  const [editing, setEditing] = useState(false);
  const { capture, request, response } = detail;
  return (
    <section class="detail" aria-label={`capture ${capture.id}`}>
      <header class="detail-head">
        <h2>
          #{capture.id} {request.method} {request.path}
        </h2>
        <p class="muted">
          {capture.origin} via {capture.tunnel || '—'} → {detail.target} · {new Date(capture.time).toLocaleString()} ·
          wait {detail.timings.waitMs === null ? '—' : formatDuration(detail.timings.waitMs)} · total{' '}
          {formatDuration(detail.timings.totalMs)}
        </p>
        <Signature detail={detail} />
        {capture.late && <p class={capture.late.resigned ? 'muted' : 'warn'}>{capture.late.message}</p>}
        <Links detail={detail} select={actions.select} />
        <div class="actions">
          <button type="button" onClick={() => actions.replay(false)}>
            Replay
          </button>
          <button type="button" onClick={() => actions.replay(true)} disabled={!capture.signature}>
            Replay re-signed
          </button>
          <button type="button" onClick={() => setEditing(true)}>
            Edit and replay
          </button>
          <button type="button" onClick={actions.copyCurl}>
            Copy as curl
          </button>
          <button type="button" onClick={actions.downloadHar}>
            Download HAR
          </button>
          <button type="button" onClick={actions.diff}>
            {diffBase === null || diffBase === capture.id ? 'Mark for diff' : `Diff with #${diffBase}`}
          </button>
        </div>
      </header>
      {editing ? (
        <Editor
          text={detail.editable}
          send={(text) => {
            setEditing(false);
            actions.editAndReplay(text);
          }}
          cancel={() => setEditing(false)}
        />
      ) : null}
      <div class="sides">
        <div class="side">
          <h3>Request</h3>
          <Headers headers={request.headers} />
          <BodyView key={`q${capture.id}`} body={request.body} headers={request.headers} />
        </div>
        <div class="side">
          <h3>Response {response ? `${response.status} ${response.statusText}` : (capture.error?.code ?? 'none')}</h3>
          {response ? (
            <>
              <Headers headers={response.headers} />
              <BodyView key={`s${capture.id}`} body={response.body} headers={response.headers} />
            </>
          ) : (
            <p class="bad">{capture.error?.message ?? 'no response'}</p>
          )}
        </div>
      </div>
    </section>
  );
}
