import { stringify } from 'yaml';

/**
 * One YAML style for every generated file: literal blocks for multi-line PromQL, no line folding,
 * single quotes. It is also what prettier produces, so generated files under argocd/ pass format checks.
 */
export function toYaml(value: unknown): string {
  return stringify(value, {
    lineWidth: 0,
    singleQuote: true,
    blockQuote: 'literal',
    aliasDuplicateObjects: false,
  });
}
