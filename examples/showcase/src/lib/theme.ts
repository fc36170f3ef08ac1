export const VIDEO = { fps: 30, width: 1920, height: 1080 } as const;

export const colors = {
  ink: '#0f172a',
  paper: '#f8fafc',
  accent: '#6366f1',
  warm: '#f97316',
  mint: '#10b981',
  sky: '#0ea5e9',
} as const;

export const fontFamily = '"DejaVu Sans", system-ui, sans-serif';
