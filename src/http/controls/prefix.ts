/** Where Roster's own controls live on the main port (docs/controls.md); no Coupa path starts so. */
export const CONTROLS_PREFIX = '/_roster';

/** Whether a request target (path and query) is a control's, or an unknown path under the controls. */
export const isControlPath = (url: string): boolean => url.startsWith(`${CONTROLS_PREFIX}/`);
