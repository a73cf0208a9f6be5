import {
  type ProviderId,
  parseSecretFlag,
  providerName,
  resolveGeneric,
  type SignatureConfig,
  SignatureError,
  secretsFromEnv,
} from '@hookline/signatures';
import type { FileConfig } from './config.js';
import { UserError } from './user-error.js';

/** Commander collector for a repeatable `--secret provider=value`. */
/**
 * Signing secrets, per provider: `--secret` > `HOOKLINE_SECRET_<PROVIDER>` >
 * `"secrets"` in hookline.json. Error messages never include a secret's value.
 */
export function resolveSignatureConfig(
  flags: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
  file: FileConfig,
): SignatureConfig {
  const secrets: Partial<Record<ProviderId, string>> = {};
  for (const [name, value] of Object.entries(file.secrets ?? {})) {
    const provider = providerName(name);
    if (provider === null) throw new UserError(`hookline.json: unknown signature provider "${name}" in "secrets"`);
    secrets[provider] = value;
  }
  Object.assign(secrets, secretsFromEnv(env));
  try {
    for (const flag of flags ?? []) {
      const [provider, value] = parseSecretFlag(flag);
      secrets[provider] = value;
    }
    if (file.genericSignature) resolveGeneric(file.genericSignature);
  } catch (error) {
    if (error instanceof SignatureError) throw new UserError(error.message);
    throw error;
  }
  return { secrets, ...(file.genericSignature ? { generic: file.genericSignature } : {}) };
}

/** Is there anything to verify with? */
export function hasSecrets(config: SignatureConfig): boolean {
  return Object.values(config.secrets).some((secret) => secret !== undefined && secret !== '');
}
