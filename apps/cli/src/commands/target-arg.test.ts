import { describe, expect, it } from 'vitest';
import { UserError } from '../user-error.js';
import { checkTargetArg } from './target-arg.js';

describe('checkTargetArg', () => {
  it.each(['3000', 'localhost:3000', '127.0.0.1:8080/base', '[::1]:3000', 'http://abc', 'https://localhost:8443'])(
    'accepts %s',
    (text) => expect(() => checkTargetArg(text)).not.toThrow(),
  );

  it.each([
    ['abc', /^not a port or URL: "abc"/],
    ['localhost', /^not a port or URL: "localhost"/],
    ['3000x', /^not a port or URL/],
    ['1.5', /^not a port or URL/],
    ['-5', /^port must be 1-65535, got -5$/],
    ['', /^not a port or URL/],
  ])('refuses %j', (text, message) => {
    expect(() => checkTargetArg(text)).toThrow(UserError);
    expect(() => checkTargetArg(text)).toThrow(message);
  });
});
