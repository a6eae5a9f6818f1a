import type { Config } from "tailwindcss";

/**
 * Theme tokens. Colours are CSS variables (defined in app/globals.css for light, dark and
 * the NOC wall) so one class works in every theme. Status colours follow the Okabe-Ito
 * palette, which stays distinguishable with the common forms of colour blindness; status
 * is never shown by colour alone (every use pairs it with an icon and a word).
 */
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
