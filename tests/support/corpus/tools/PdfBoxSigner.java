// Signs PDFs with Apache PDFBox 2 and Bouncy Castle (the pair behind DSS-based services), one
// job per line of the jobs file: tab-separated key=value pairs. Used only to build the test corpus.
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

public class PdfBoxSigner {
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
    boolean cades = "cades".equals(job.get("subfilter"));
    try (PDDocument document = PDDocument.load(new File(job.get("in")));
        FileOutputStream out = new FileOutputStream(job.get("out"))) {
      PDSignature signature = new PDSignature();
      signature.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
      signature.setSubFilter(
          cades ? COSName.getPDFName("ETSI.CAdES.detached") : PDSignature.SUBFILTER_ADBE_PKCS7_DETACHED);
      signature.setName(job.getOrDefault("name", "PDFBox"));
      signature.setReason(job.getOrDefault("reason", "Phê duyệt"));
      signature.setSignDate(Calendar.getInstance());
      SignatureOptions options = new SignatureOptions();
      options.setPreferredSignatureSize(16384);
      document.addSignature(signature, content -> cms(content, key, chain, cades), options);
      document.saveIncremental(out);
      options.close();
    }
  }

  static byte[] cms(InputStream content, PrivateKey key, Certificate[] chain, boolean cades)
      throws java.io.IOException {
    try {
      X509Certificate leaf = (X509Certificate) chain[0];
      CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
      String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      JcaSignerInfoGeneratorBuilder builder =
          new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build());
      if (cades) {
        // PAdES baseline: the signing certificate is bound (ESS signing-certificate-v2) and the
        // time is in the signature dictionary (/M), not in a signingTime attribute.
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded());
        SigningCertificateV2 bound = new SigningCertificateV2(new ESSCertIDv2(hash));
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(
            new Attribute(
                PKCSObjectIdentifiers.id_aa_signingCertificateV2, new DERSet(bound)));
        AttributeTable table = new AttributeTable(attributes);
        builder.setSignedAttributeGenerator(
            new DefaultSignedAttributeTableGenerator(table) {
              @Override
              protected java.util.Hashtable createStandardAttributeTable(Map parameters) {
                java.util.Hashtable found = super.createStandardAttributeTable(parameters);
                found.remove(CMSAttributes.signingTime);
                return found;
              }
            });
      }
      generator.addSignerInfoGenerator(
          builder.build(new JcaContentSignerBuilder(algorithm).setProvider("BC").build(key), leaf));
      generator.addCertificates(new JcaCertStore(Arrays.asList(chain)));
      CMSSignedData signed =
          generator.generate(new CMSProcessableByteArray(content.readAllBytes()), false);
      return signed.getEncoded();
    } catch (Exception exc) {
      throw new java.io.IOException(exc);
    }
  }
}
