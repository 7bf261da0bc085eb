// Database names of one test run. Every database a run clones carries its template's pid, so a
// run's teardown drops its own clones and never those of another run on the same server.

/** The prefix of every database a test run clones from its template `tandem_template_<pid>`. */
export const runPrefix = (template: string): string => `tandem_t_${template.replace('tandem_template_', '')}_`;
