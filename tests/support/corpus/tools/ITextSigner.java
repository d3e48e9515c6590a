// Signs PDFs with iText 5 (the library behind many Vietnamese signing tools), one job per
// line of the jobs file: tab-separated key=value pairs. Used only to build the test corpus.
import com.itextpdf.text.Image;
import com.itextpdf.text.Rectangle;
import com.itextpdf.text.pdf.PdfReader;
import com.itextpdf.text.pdf.PdfSignatureAppearance;
import com.itextpdf.text.pdf.PdfStamper;
import com.itextpdf.text.pdf.security.BouncyCastleDigest;
import com.itextpdf.text.pdf.security.CrlClient;
import com.itextpdf.text.pdf.security.CrlClientOffline;
import com.itextpdf.text.pdf.security.MakeSignature;
import com.itextpdf.text.pdf.security.PrivateKeySignature;
import com.itextpdf.text.pdf.security.TSAClient;
import com.itextpdf.text.pdf.security.TSAClientBouncyCastle;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

public class ITextSigner {
  public static void main(String[] args) throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      Map<String, String> job = new HashMap<>();
      for (String pair : line.split("\t")) {
        int at = pair.indexOf('=');
        job.put(pair.substring(0, at), pair.substring(at + 1));
      }
      sign(job);
    }
  }

  static void sign(Map<String, String> job) throws Exception {
    char[] pass = job.get("pass").toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(job.get("p12"))) {
      store.load(in, pass);
    }
    String alias = store.aliases().nextElement();
    PrivateKey key = (PrivateKey) store.getKey(alias, pass);
    Certificate[] chain = store.getCertificateChain(alias);
    if ("leaf".equals(job.get("chain"))) chain = new Certificate[] {chain[0]};
    String owner = job.getOrDefault("owner_password", "");
    PdfReader reader =
        owner.isEmpty()
            ? new PdfReader(job.get("in"))
            : new PdfReader(job.get("in"), owner.getBytes(StandardCharsets.UTF_8));
    try (FileOutputStream out = new FileOutputStream(job.get("out"))) {
      PdfStamper stamper = PdfStamper.createSignature(reader, out, '\0', null, true);
      PdfSignatureAppearance appearance = stamper.getSignatureAppearance();
      appearance.setReason(job.getOrDefault("reason", "Ký ban hành"));
      appearance.setLocation(job.getOrDefault("location", "Hà Nội"));
      int shift = Integer.parseInt(job.getOrDefault("shift_hours", "0"));
      if (shift != 0) {
        Calendar moment = Calendar.getInstance();
        moment.add(Calendar.HOUR_OF_DAY, shift);
        appearance.setSignDate(moment);
      }
      int page = Integer.parseInt(job.getOrDefault("page", "0"));
      String field = job.get("field");
      if (page > 0) {
        String[] box = job.get("rect").split(",");
        appearance.setVisibleSignature(
            new Rectangle(
                Float.parseFloat(box[0]), Float.parseFloat(box[1]),
                Float.parseFloat(box[2]), Float.parseFloat(box[3])),
            page,
            field);
        String image = job.getOrDefault("image", "");
        if (!image.isEmpty()) {
          appearance.setSignatureGraphic(Image.getInstance(image));
          appearance.setRenderingMode(PdfSignatureAppearance.RenderingMode.GRAPHIC);
        }
      } else if ("1".equals(job.get("existing"))) {
        appearance.setVisibleSignature(field);
      } else {
        appearance.setVisibleSignature(new Rectangle(0, 0, 0, 0), 1, field);
      }
      int certify = Integer.parseInt(job.getOrDefault("certify", "0"));
      if (certify > 0) appearance.setCertificationLevel(certify);
      String tsaUrl = job.getOrDefault("tsa", "");
      TSAClient tsa = tsaUrl.isEmpty() ? null : new TSAClientBouncyCastle(tsaUrl, null, null, 8192, "SHA-256");
      List<CrlClient> crls = null;
      String crl = job.getOrDefault("crl", "");
      if (!crl.isEmpty()) {
        crls = new ArrayList<>();
        crls.add(new CrlClientOffline(Files.readAllBytes(Paths.get(crl))));
      }
      MakeSignature.CryptoStandard standard =
          "cades".equals(job.get("subfilter"))
              ? MakeSignature.CryptoStandard.CADES
              : MakeSignature.CryptoStandard.CMS;
      MakeSignature.signDetached(
          appearance,
          new BouncyCastleDigest(),
          new PrivateKeySignature(key, job.getOrDefault("digest", "SHA-256"), "BC"),
          chain,
          crls,
          null,
          tsa,
          0,
          standard);
    }
  }
}
