/** Rewrite README's relay settings table from the settings table (`npm run settings-table -w @hookline/relay-service`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withSettingsTable } from '../src/settings-docs.js';

const readme = fileURLToPath(new URL('../../../README.md', import.meta.url));
writeFileSync(readme, withSettingsTable(readFileSync(readme, 'utf8')));
