/**
 * The filter representation shared by design and filtering: second-order sections (SOS), the form
 * SciPy recommends for IIR filters because cascaded biquads stay stable where one high-order
 * polynomial loses precision (an order-8 band-pass at 0.5 Hz / 256 Hz would not).
 */

/** One section [b0, b1, b2, a0, a1, a2]: H(z) = (b0 + b1 z⁻¹ + b2 z⁻²) / (a0 + a1 z⁻¹ + a2 z⁻²). */
export type SosSection = [number, number, number, number, number, number];

/**
 * A cascade of sections, an n×6 array of rows exactly like SciPy's `output='sos'` arrays (row s is
 * section s, applied in order; the overall gain sits in the first row's b coefficients).
 */
export type Sos = SosSection[];

/** What the filtering functions accept: any n×6 rows, e.g. SciPy's arrays read from JSON. */
export type SosLike = readonly (readonly number[])[];

/** Checks the shape of an SOS array and returns it as sections (copies; a0 must be non-zero). */
export function toSections(sos: SosLike): Sos {
  return sos.map((row, s) => {
    if (row.length !== 6) throw new RangeError(`SOS row ${s} has ${row.length} coefficients, expected 6`);
    if (row[3] === 0) throw new RangeError(`SOS row ${s} has a0 = 0`);
    return [row[0]!, row[1]!, row[2]!, row[3]!, row[4]!, row[5]!];
  });
}
