import type { RelayAnswerFlags } from './relay-answers-flags.js';

/** The flags of `hookline http`, as commander hands them over (program.ts) to http.ts and http-inspector.ts. */
export interface HttpFlags extends RelayAnswerFlags {
  relay?: string;
  token?: string;
  name?: string;
  hostHeader?: string;
  tui?: boolean;
  json?: boolean;
  timeout?: string;
  dataDir?: string;
  capture?: boolean;
  maxCaptures?: string;
  /** `--queue` alone is `true` (serial); `--queue parallel:4` names the mode. */
  queue?: boolean | string;
  basicAuth?: string;
  /** Keep the caller's Authorization header on forwarded requests (dropped by default with --basic-auth). */
  forwardAuth?: boolean;
  allowCidr?: string;
  /** Replace a live client holding the same name instead of being refused. */
  takeover?: boolean;
  /** `--secret provider=value`, repeatable. */
  secret?: string[];
  /** `--no-resign-late` makes it false: late queued webhooks go as they came (with a warning). */
  resignLate?: boolean;
  /** `--route <match>=<target>`, repeatable. */
  route?: string[];
  /** `--no-web`: no web inspector. */
  web?: boolean;
  inspectPort?: string;
}
