/** The Action's `run` input is split like a POSIX shell splits words, with no expansions at all. */
import { splitCommand } from '../../src/action/argv';
import { DeployLoginError } from '../../src/core/errors';

describe('splitCommand', () => {
  it.each<[string, string[]]>([
    ['spin deploy', ['spin', 'deploy']],
    ['  spin   deploy  --yes ', ['spin', 'deploy', '--yes']],
    [`node -e "console.log('hi there')"`, ['node', '-e', "console.log('hi there')"]],
    [`echo 'a "b" c'`, ['echo', 'a "b" c']],
    [`echo "a \\"b\\" \\\\ \\$HOME \\n"`, ['echo', 'a "b" \\ $HOME \\n']],
    ['echo a\\ b', ['echo', 'a b']],
    [`echo '' ""`, ['echo', '', '']],
    ['echo a"b"c', ['echo', 'abc']],
    ['kubectl apply \\\n  -f k8s/', ['kubectl', 'apply', '-f', 'k8s/']],
    ['tab\tand  trailing newlines\n\n', ['tab', 'and', 'trailing', 'newlines']],
    ['kubectl apply \\\r\n  -f k8s/\r\n', ['kubectl', 'apply', '-f', 'k8s/']],
    [`echo "two\nlines"`, ['echo', 'two\nlines']],
    ['', []],
  ])('%j', (line, words) => {
    expect(splitCommand(line)).toEqual(words);
  });

  it('expands nothing a shell would: variables, globs, pipes and ; stay literal words', () => {
    expect(splitCommand('echo $HOME *.txt | cat ; rm -rf /')).toEqual([
      'echo',
      '$HOME',
      '*.txt',
      '|',
      'cat',
      ';',
      'rm',
      '-rf',
      '/',
    ]);
  });

  it('refuses two lines (a newline outside quotes with more after it): it would join two commands', () => {
    for (const line of ['echo first\necho second', 'deploy\r\n--now', 'a \\\\\nb']) {
      let err: unknown;
      try {
        splitCommand(line);
      } catch (e) {
        err = e;
      }
      expect([line, (err as DeployLoginError | undefined)?.exitCode]).toEqual([line, 2]);
      expect((err as Error).message).toMatch(
        /^`run` holds more than one line: .*one command per step.*script/,
      );
    }
  });

  it('refuses an unclosed quote as invalid input with a pointer to bash -c', () => {
    for (const line of [`echo "abc`, `echo 'abc`]) {
      let err: unknown;
      try {
        splitCommand(line);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DeployLoginError);
      expect((err as DeployLoginError).exitCode).toBe(2);
      expect((err as Error).message).toMatch(/`run` has an unclosed quote.*bash -c/);
    }
  });
});
