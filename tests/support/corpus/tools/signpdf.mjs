// Signs PDFs with @signpdf (node-forge PKCS#7), one job per line of the jobs file:
// tab-separated key=value pairs. Used only to build the test corpus.
import { readFileSync, writeFileSync } from 'node:fs';
import { SignPdf } from '@signpdf/signpdf';
import { P12Signer } from '@signpdf/signer-p12';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter((line) => line.trim());
for (const line of lines) {
  const job = Object.fromEntries(line.split('\t').map((pair) => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at), pair.slice(at + 1)];
  }));
  const placed = plainAddPlaceholder({
    pdfBuffer: readFileSync(job.in),
    reason: job.reason ?? 'Approved',
    contactInfo: job.contact ?? '',
    name: job.name ?? 'signpdf',
    location: job.location ?? '',
    signatureLength: 16384,
  });
  const signer = new P12Signer(readFileSync(job.p12), { passphrase: job.pass });
  const signed = await new SignPdf().sign(placed, signer);
  writeFileSync(job.out, signed);
}
