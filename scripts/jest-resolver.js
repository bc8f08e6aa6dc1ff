// Jest's resolver, with one change: kubernetes-models and @kubernetes-models/* ship ESM only (their
// package exports have only the "import" condition), so for them, and for what they import, the
// "import" condition is added; swc then compiles them to CommonJS (jest.config.js "transform").
// Every other package resolves as before (adding "import" everywhere would pick ESM builds of
// packages that have both).
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/[^/]+)(\/|$)/;

module.exports = (request, options) => {
  if (
    ESM_ONLY.test(request) ||
    /\/node_modules\/(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)\//.test(options.basedir)
  ) {
    if (ESM_ONLY.test(request) || request.startsWith('.')) {
      return options.defaultResolver(request, {
        ...options,
        conditions: [...new Set([...(options.conditions ?? []), 'import'])],
      });
    }
  }
  return options.defaultResolver(request, options);
};
