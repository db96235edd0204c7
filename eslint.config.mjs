// One linter for the whole repository: typescript-eslint's recommended rules with type information,
// plus Pulumi's rules against Outputs in template literals (they need types to see an Output).
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "docs/**", "examples/*/node_modules/**", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // The provider shims must call require() at run time: that is the point of them.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // The examples import "pulumi-agentmail": resolve it to this repository's sources, as
    // examples/tsconfig.json does, so that the Pulumi rules see real Output types.
    files: ["examples/**/*.ts"],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: "./examples/tsconfig.json",
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
);
