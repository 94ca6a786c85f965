// The failure converter, by path (DataConverter.failureConverterPath): the worker bundles it into
// the workflow code as well, so it must stay free of Node modules. Error messages and stack traces
// go into the failure's encoded attributes, a payload the codec encrypts, instead of plain text.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
