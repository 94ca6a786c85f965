// A CSV download (the action log, the exception report), the same from the API and the pages.
import type { Response } from 'express';

/** The filename is ours (a fixed name and the date), so it is quoted as it is. */
export function sendCsv(res: Response, filename: string, body: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.type('text/csv; charset=utf-8').send(body);
}
