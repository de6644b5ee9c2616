/**
 * Preload (`node -r ./block-providers.js`): makes the provider packages named in BLOCKED_PROVIDERS (comma-separated,
 * e.g. `@cdktf/provider-aws`) unresolvable, as in an app that never installed them. Node's own MODULE_NOT_FOUND error,
 * so what the library does with it is what a user would see.
 */
'use strict';
const Module = require('module');

const blocked = (process.env.BLOCKED_PROVIDERS || '').split(',').filter(Boolean);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (blocked.some((pkg) => request === pkg || request.startsWith(`${pkg}/`))) {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
