/**
 * Small inline SVG icons for buttons (no icon font to download, and no symbol that the installed
 * fonts may lack: ⛶ and 📷 drew as empty boxes in Chromium without emoji fonts). They take the
 * button's text colour; the button carries the accessible name.
 */
const base = { width: 16, height: 16, viewBox: '0 0 16 16', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.6, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true', focusable: 'false', class: 'icon-svg' } as const;

/** A camera body with its lens: take a snapshot. */
export function SnapshotIcon() {
  return (
    <svg {...base}>
      <path d="M2 5.5h2.5l1.2-2h4.6l1.2 2H14v7.5H2z" />
      <circle cx="8" cy="9" r="2.3" />
    </svg>
  );
}

/** Four corners: full screen (and back). */
export function FullscreenIcon() {
  return (
    <svg {...base}>
      <path d="M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4" />
    </svg>
  );
}

/** A bin: delete. */
export function DeleteIcon() {
  return (
    <svg {...base}>
      <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.8 9.5h6.4L12 4M6.8 6.5v4.5M9.2 6.5v4.5" />
    </svg>
  );
}
