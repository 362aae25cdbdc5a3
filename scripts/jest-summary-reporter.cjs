/**
 * Ends a jest run with one plain line, "N passed, N failed, N skipped", that CI systems read
 * without knowing jest's own summary format.
 */
class SummaryLineReporter {
  onRunComplete(_contexts, results) {
    const {
      numPassedTests: passed,
      numFailedTests: failed,
      numPendingTests: skipped,
      numTodoTests: todo,
    } = results;
    process.stdout.write(`\njest: ${passed} passed, ${failed} failed, ${skipped + todo} skipped\n`);
  }
}
module.exports = SummaryLineReporter;
