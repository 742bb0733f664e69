// One place that builds Ajv instances, so the CJS/ESM default-export dance happens once.
import { Ajv, type Options } from 'ajv';
import formatsModule from 'ajv-formats';

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  (formatsModule as unknown as { default?: AddFormats }).default ?? (formatsModule as unknown as AddFormats);

/** Ajv with ajv-formats and the spec's UI keywords (`airbyte_secret`, `order`, `multiline`) declared. */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, ...options });
  addFormats(ajv);
  if (options.strict !== false) {
    for (const keyword of ['airbyte_secret', 'order', 'airbyte_hidden', 'always_show', 'multiline']) ajv.addKeyword(keyword);
  }
  return ajv;
}
