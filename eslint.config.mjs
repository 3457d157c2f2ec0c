// @ts-check
import js from "@eslint/js";
import drizzle from "eslint-plugin-drizzle";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores([
    ".next/",
    "node_modules/",
    "drizzle/",
    "data/",
    "test-results/",
    "playwright-report/",
    "e2e/screenshots/",
    ".migrations-check-*/",
    "next-env.d.ts",
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    // Type-aware rules that catch real bugs (forgotten awaits, promises passed where a callback's
    // result is ignored) without the noise of the no-unsafe-* family.
    files: ["**/*.{ts,tsx}"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unnecessary-type-assertion": "error",
    },
  },

  {
    rules: {
      // Settings are read and validated once, in lib/config.ts.
      "no-restricted-syntax": [
        "error",
        {
          selector: "TSNonNullExpression > MemberExpression[object.object.name='process'][object.property.name='env']",
          message: "No `!` on an environment value: read and validate it in lib/config.ts.",
        },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },

  {
    // An update or delete without where touches every row.
    plugins: { drizzle },
    rules: {
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
    },
  },

  {
    files: ["components/**/*.{ts,tsx}", "app/**/*.{ts,tsx}"],
    extends: [reactHooks.configs.flat.recommended],
    rules: { "react-hooks/exhaustive-deps": "error" },
  },

  {
    files: ["**/*.{js,mjs}"],
    languageOptions: { globals: globals.node, sourceType: "module" },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { globals: globals.node, sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
