/**
 * The API's shapes (README "Web inspector"), as the server declares them: type-only
 * imports, erased by esbuild, so the page and the server cannot drift apart.
 */
export type { CaptureSummary } from '../../src/inspector/capture-summary.js';
export type { TunnelView } from '../../src/tui/sources.js';
export type { BodyJson, CaptureDetail } from '../../src/web/capture-detail.js';
export type { CapturePage } from '../../src/web/capture-page.js';
