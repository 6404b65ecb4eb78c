/**
 * Validators for the OpenAPI document and the answers it describes.
 * Test-only, like everything in tests/_deps/ (see fast_check.ts).
 *
 * @module
 */
export { Validator } from "npm:@seriousme/openapi-schema-validator@2.11.0";
export { Ajv2020 } from "npm:ajv@8.20.0/dist/2020.js";
