/** The one error taxonomy: outcomes map to the contract's exit codes, and unclassified errors are bugs. */
import {
  DeployLoginError,
  EXIT_CODES,
  OUTCOMES,
  deployFailed,
  invalidInput,
  mostSevere,
  needsLogin,
  outcomeOfExitCode,
  toFailure,
  unavailable,
} from '../../src/core/errors';

describe('errors', () => {
  it('maps every outcome to the exit code the contract fixes', () => {
    expect(EXIT_CODES).toEqual({
      success: 0,
      error: 1,
      'invalid-input': 2,
      'needs-login': 3,
      'deploy-failed': 4,
      unavailable: 5,
    });
    for (const o of OUTCOMES) expect(outcomeOfExitCode(EXIT_CODES[o])).toBe(o);
    expect(outcomeOfExitCode(42)).toBe('error');
  });

  it('builds each classified error with its outcome and exit code', () => {
    const cases: Array<[DeployLoginError, string, number]> = [
      [invalidInput('bad'), 'invalid-input', 2],
      [needsLogin('who'), 'needs-login', 3],
      [deployFailed('boom'), 'deploy-failed', 4],
      [unavailable('down', new Error('ECONNREFUSED')), 'unavailable', 5],
    ];
    for (const [err, outcome, code] of cases) {
      expect(err).toBeInstanceOf(DeployLoginError);
      expect(err.outcome).toBe(outcome);
      expect(err.exitCode).toBe(code);
      expect(toFailure(err)).toEqual({ outcome, exitCode: code, message: err.message });
    }
    expect((unavailable('down', 'why') as Error & { cause?: unknown }).cause).toBe('why');
  });

  it('reports anything unclassified as a bug (exit 1), keeping the stack only for debug output', () => {
    const f = toFailure(new TypeError('x is undefined'));
    expect(f.outcome).toBe('error');
    expect(f.exitCode).toBe(1);
    expect(f.message).toMatch(/^internal error \(a bug in deploy-login, please report it\): x is undefined$/);
    expect(f.stack).toContain('TypeError');
    expect(toFailure('plain string')).toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('plain string'),
    });
    // Classified failures carry no stack: user mistakes never print one.
    expect(toFailure(invalidInput('bad')).stack).toBeUndefined();
  });

  it('combines several targets into the most severe outcome', () => {
    expect(mostSevere([])).toBe('success');
    expect(mostSevere(['success', 'success'])).toBe('success');
    expect(mostSevere(['success', 'deploy-failed'])).toBe('deploy-failed');
    expect(mostSevere(['deploy-failed', 'unavailable'])).toBe('unavailable');
    expect(mostSevere(['unavailable', 'needs-login', 'success'])).toBe('needs-login');
    expect(mostSevere(['needs-login', 'invalid-input'])).toBe('invalid-input');
  });
});
