// BlurHash placeholders: each picture not yet loaded shows its blurred colours (the media entity's `blurhash`,
// a few dozen characters already in the page) until the file arrives. Decoded here into a 32 × 32 canvas and set
// as the element's background: no extra request, and nothing inline for the Content-Security-Policy to refuse.

const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';
const size = 32;

const base83 = text => [...text].reduce((value, c) => value * 83 + digits.indexOf(c), 0);
const toLinear = v => (v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
const toSrgb = v => {
  v = Math.min(1, Math.max(0, v));
  return Math.round((v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055) * 255);
};
const signedSquare = v => Math.sign(v) * v * v;

/** The hash as RGBA pixels, size × size; null when it is not a valid BlurHash. */
function decode(hash) {
  if (hash.length < 6 || [...hash].some(c => !digits.includes(c))) return null;
  const flags = base83(hash[0]);
  const columns = (flags % 9) + 1;
  const rows = Math.floor(flags / 9) + 1;
  if (hash.length !== 4 + 2 * columns * rows) return null;
  const maximum = (base83(hash[1]) + 1) / 166;
  const colours = [];
  const dc = base83(hash.slice(2, 6));
  colours.push([dc >> 16, (dc >> 8) & 255, dc & 255].map(toLinear));
  for (let i = 1; i < columns * rows; i++) {
    const ac = base83(hash.slice(4 + i * 2, 6 + i * 2));
    colours.push([Math.floor(ac / 361), Math.floor(ac / 19) % 19, ac % 19].map(q => signedSquare((q - 9) / 9) * maximum));
  }
  const pixels = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sum = [0, 0, 0];
      for (let j = 0; j < rows; j++) {
        for (let i = 0; i < columns; i++) {
          const basis = Math.cos((Math.PI * x * i) / size) * Math.cos((Math.PI * y * j) / size);
          const colour = colours[i + j * columns];
          for (let c = 0; c < 3; c++) sum[c] += colour[c] * basis;
        }
      }
      pixels.set([...sum.map(toSrgb), 255], (y * size + x) * 4);
    }
  }
  return pixels;
}

/** Paints the placeholder behind every picture under root that has not loaded yet. */
export function paint(root) {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const context = canvas.getContext('2d');
  for (const element of root.querySelectorAll('[data-blurhash]')) {
    if (element instanceof HTMLImageElement && element.complete && element.naturalWidth > 0) continue;
    const pixels = decode(element.dataset.blurhash);
    if (!pixels) continue;
    context.putImageData(new ImageData(pixels, size, size), 0, 0);
    element.style.backgroundImage = `url("${canvas.toDataURL()}")`;
    element.classList.add('blurred');
  }
}
