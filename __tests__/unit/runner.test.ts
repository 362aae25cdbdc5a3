/**
 * The runner's command protocol (src/action/runner.ts) against real command files in a temp dir,
 * read back with the test harness's parser (the runner's format).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as runner from '../../src/action/runner';
import { parseFileCommands } from '../helpers/dist';

describe('runner commands', () => {
  let dir: string;
  let saved: NodeJS.ProcessEnv;
  let printed: string;
  let write: typeof process.stdout.write;
  const file = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

  beforeEach(() => {
    saved = { ...process.env };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-runner-cmd-'));
    for (const n of ['output', 'state', 'env', 'path', 'summary']) fs.writeFileSync(path.join(dir, n), '');
    Object.assign(process.env, {
      GITHUB_OUTPUT: path.join(dir, 'output'),
      GITHUB_STATE: path.join(dir, 'state'),
      GITHUB_ENV: path.join(dir, 'env'),
      GITHUB_PATH: path.join(dir, 'path'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
    });
    printed = '';
    write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      printed += chunk;
      return true;
    }) as typeof process.stdout.write;
  });
  afterEach(() => {
    process.stdout.write = write;
    process.env = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads inputs the way the runner passes them: INPUT_ + upper case, spaces to _, dashes kept, trimmed', () => {
    process.env['INPUT_TOKEN-ENDPOINT'] = '  https://x.example.com/token \n';
    process.env.INPUT_MY_INPUT = 'v';
    expect(runner.getInput('token-endpoint')).toBe('https://x.example.com/token');
    expect(runner.getInput('token-endpoint', { trimWhitespace: false })).toBe(
      '  https://x.example.com/token \n',
    );
    expect(runner.getInput('my input')).toBe('v');
    expect(runner.getInput('absent')).toBe('');
    expect(() => runner.getInput('absent', { required: true })).toThrow(
      'Input required and not supplied: absent',
    );
  });

  it('writes outputs, state and variables as heredocs that survive newlines and = signs', () => {
    runner.setOutput('token', 'a=b\nc');
    runner.setOutput('exit-code', 3);
    runner.saveState('deploy-login', { storePath: '/x' });
    runner.exportVariable('DEPLOY_LOGIN_CONFIG', '/store.json');
    expect(parseFileCommands(file('output'))).toEqual({ token: 'a=b\nc', 'exit-code': '3' });
    expect(parseFileCommands(file('state'))).toEqual({ 'deploy-login': '{"storePath":"/x"}' });
    expect(parseFileCommands(file('env'))).toEqual({ DEPLOY_LOGIN_CONFIG: '/store.json' });
    expect(process.env.DEPLOY_LOGIN_CONFIG).toBe('/store.json');
    expect(printed).toBe('');
    // A fresh delimiter each time: two writes never share one.
    const delimiters = [...file('output').matchAll(/<<(ghadelimiter_\w+)/g)].map((m) => m[1]);
    expect(new Set(delimiters).size).toBe(2);
  });

  it('prepends to PATH for this step and records it for later steps', () => {
    runner.addPath('/opt/deploy-login/bin');
    expect(file('path')).toBe('/opt/deploy-login/bin\n');
    expect(process.env.PATH!.startsWith(`/opt/deploy-login/bin${path.delimiter}`)).toBe(true);
  });

  it('escapes log commands so a message cannot start a command of its own', () => {
    runner.error('bad input\n::add-mask::nothing 100%');
    runner.setSecret('s3cr3t-value');
    runner.warning('careful\r\n');
    runner.info('plain line');
    expect(printed).toBe(
      '::error::bad input%0A::add-mask::nothing 100%25\n::add-mask::s3cr3t-value\n::warning::careful%0D%0A\nplain line\n',
    );
  });

  it('falls back to log commands when a command file is not provided', () => {
    delete process.env.GITHUB_OUTPUT;
    delete process.env.GITHUB_STATE;
    runner.setOutput('outcome', 'success');
    runner.saveState('k', 'v');
    expect(printed).toBe('\n::set-output name=outcome::success\n::save-state name=k::v\n');
  });

  it('reads state saved for the post step', () => {
    process.env['STATE_deploy-login'] = '{"a":1}';
    expect(runner.getState('deploy-login')).toBe('{"a":1}');
    expect(runner.getState('other')).toBe('');
  });

  it('appends to the job summary', () => {
    runner.appendSummary('<h3>one</h3>\n');
    runner.appendSummary('<h3>two</h3>\n');
    expect(file('summary')).toBe('<h3>one</h3>\n<h3>two</h3>\n');
  });
});
