import type { Config } from "tailwindcss";

// Colours are CSS variables (app/globals.css) so one class serves every theme; status colours are Okabe-Ito, told apart with colour blindness.
export default {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        canvas: "var(--color-canvas)",
        surface: "var(--color-surface)",
        "surface-muted": "var(--color-surface-muted)",
        border: "var(--color-border)",
        ink: "var(--color-ink)",
        muted: "var(--color-muted)",
        accent: "var(--color-accent)",
        "accent-ink": "var(--color-accent-ink)",
        focus: "var(--color-focus)",
        status: {
          ok: "var(--status-ok)",
          warning: "var(--status-warning)",
          failed: "var(--status-failed)",
          overdue: "var(--status-overdue)",
          neutral: "var(--status-neutral)",
        },
      },
      fontFamily: {
        sans: ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
        mono: ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
      },
      screens: {
        "4k": "2560px",
      },
    },
  },
} satisfies Config;
