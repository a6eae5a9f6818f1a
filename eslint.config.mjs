import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  {
    ignores: [".next/**", ".next-bench*/**", "node_modules/**", ".cache/**", "test-results/**", "playwright-report/**", "next-env.d.ts", "bench-results/**"],
  },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    files: ["simulator/**", "scripts/**", "e2e/**", "**/*.test.ts"],
    rules: { "no-console": "off" },
  },
  {
    // Playwright fixtures take a `use` callback that is not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    // app/ and lib/ must never reach into the simulator: it is a separate program.
    files: ["app/**", "lib/**", "components/**"],
    ignores: ["**/*.test.ts", "lib/testing/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/simulator/**", "@/simulator/**"], message: "The simulator is a separate program." }] }],
    },
  },
];

export default config;
