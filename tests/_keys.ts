/** Test keyrings, shared by the tests of a file. */
import { Keyring } from "../auth/seal.ts";

export const SECRET_1 = "UBajyRFpQQLZ1akdm9XDN597l7P7Cl5cESglgWhuqBI";
export const SECRET_2 = "83dp89g2qfz3suWpw3QwQmPgHIqKULNKknw2IQhT28c";

/** `k1` only. */
export const keyring = new Keyring([{ kid: "k1", secret: SECRET_1 }]);
