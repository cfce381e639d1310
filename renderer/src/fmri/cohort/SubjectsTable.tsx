/** The cohort's subjects with their labels; choosing one shows its series and matrix below. */
import type { CohortSummary } from '../../../../shared/api/index.js';
import { labelText } from './report.js';

/** The normalised labels first (the plan's contract: diagnosis, sex, age, site), then none of the rest: the table stays readable. */
const COLUMNS = ['diagnosis', 'sex', 'age', 'site'] as const;

export function SubjectsTable(props: { summary: CohortSummary; selected: string | null; onSelect(subject: string): void }) {
  const columns = COLUMNS.filter((column) => props.summary.labelColumns.includes(column) || props.summary.subjects.some((s) => s.labels[column] !== undefined));
  return (
    <div className="fmri-subjects">
      <table className="data-table" aria-label="Subjects">
        <caption>
          {props.summary.subjects.length} subjects ({props.summary.phenotypeFile.split(/[\\/]/).pop()}); choose one for its series and matrix
        </caption>
        <thead>
          <tr>
            <th scope="col">Subject</th>
            {columns.map((column) => (
              <th key={column} scope="col" className={column === 'age' ? 'number' : undefined}>
                {column === 'age' ? 'age (y)' : column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.summary.subjects.map((subject) => (
            <tr key={subject.id} aria-selected={subject.id === props.selected} className={subject.id === props.selected ? 'selected' : undefined}>
              <td>
                <button type="button" className="link-button" aria-label={`Show subject ${subject.id}`} onClick={() => props.onSelect(subject.id)}>
                  {subject.id}
                </button>
              </td>
              {columns.map((column) => (
                <td key={column} className={column === 'age' ? 'number' : undefined}>
                  {labelText(subject.labels[column])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
