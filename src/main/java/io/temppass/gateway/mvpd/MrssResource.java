package io.temppass.gateway.mvpd;

import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.XmlRejected;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A resource id given as MRSS (Adobe's structured resource, integration digest §4): the channel
 * title, the item title, the item GUID and the rating, and the XACML resource attributes they
 * become (the {@code urn:cablelabs:ocla:1.0:attribute:content:*} table of Adobe's content metadata
 * exchange, {@code ocla} spelled as Adobe spells it). A resource id that is not XML is a plain
 * string and stays one.
 */
record MrssResource(String channelTitle, String itemTitle, String guid, String rating) {
  static final String MEDIA_NS = "http://search.yahoo.com/mrss/";
  static final String RESOURCE_ID = "urn:oasis:names:tc:xacml:1.0:resource:resource-id";
  static final String TV_NETWORK = "urn:cablelabs:ocla:1.0:attribute:content:tv-network";
  static final String ID_NAMESPACE = "urn:cablelabs:ocla:1.0:attribute:content:id:namespace";
  static final String TITLE = "urn:cablelabs:ocla:1.0:attribute:content:title";
  static final String RATING_VCHIP = "urn:cablelabs:ocla:1.0:attribute:content:rating:vchip";

  /** Rating schemes whose value is a TV Parental Guidelines (V-chip) rating. */
  private static final List<String> VCHIP_SCHEMES = List.of("urn:v-chip", "urn:vchip");

  /** True when {@code resource} is meant as MRSS (XML), not as a plain string. */
  static boolean looksLikeMrss(String resource) {
    return resource.stripLeading().startsWith("<");
  }

  /**
   * Reads an MRSS resource id with the gateway's hardened parser.
   *
   * @throws XmlRejected when it is not well-formed, carries a DOCTYPE, or is no {@code
   *     <rss><channel><title>}
   */
  static MrssResource parse(String resource) {
    Document doc = SecureXml.parse(resource.getBytes(StandardCharsets.UTF_8));
    Element rss = doc.getDocumentElement();
    if (!"rss".equals(rss.getLocalName()) || rss.getNamespaceURI() != null)
      throw new XmlRejected("the resource is XML but not <rss>");
    Element channel = only(rss, null, "channel");
    String channelTitle = text(only(channel, null, "title"));
    if (channelTitle == null) throw new XmlRejected("the MRSS resource has no channel title");
    Element item = optional(channel, null, "item");
    String itemTitle = item == null ? null : text(optional(item, null, "title"));
    String guid = item == null ? null : text(optional(item, null, "guid"));
    Element ratingElement = item == null ? null : optional(item, MEDIA_NS, "rating");
    if (ratingElement == null) ratingElement = optional(channel, MEDIA_NS, "rating");
    String rating = null;
    if (ratingElement != null) {
      String scheme = ratingElement.getAttribute("scheme").strip();
      // MRSS's default scheme is simple (adult/nonadult); only a V-chip rating has an attribute.
      if (VCHIP_SCHEMES.contains(scheme)) rating = text(ratingElement);
    }
    return new MrssResource(channelTitle, itemTitle, guid, rating);
  }

  /**
   * The resource's XACML attributes, id first: the resource-id is the item GUID, or the channel
   * title when there is no GUID (a channel-level resource).
   */
  Map<String, String> attributes() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(RESOURCE_ID, guid != null ? guid : channelTitle);
    out.put(TV_NETWORK, channelTitle);
    out.put(ID_NAMESPACE, channelTitle);
    if (itemTitle != null) out.put(TITLE, itemTitle);
    if (rating != null) out.put(RATING_VCHIP, rating);
    return out;
  }

  /** The attributes of any resource id: MRSS mapped, a plain string as its resource-id alone. */
  static Map<String, String> attributesOf(String resource) {
    if (!looksLikeMrss(resource)) return Map.of(RESOURCE_ID, resource);
    return parse(resource).attributes();
  }

  private static Element only(Element parent, String ns, String name) {
    List<Element> found = children(parent, ns, name);
    if (found.size() != 1)
      throw new XmlRejected(
          "the MRSS resource must have exactly one <"
              + name
              + "> in <"
              + parent.getLocalName()
              + ">");
    return found.get(0);
  }

  private static Element optional(Element parent, String ns, String name) {
    List<Element> found = children(parent, ns, name);
    if (found.size() > 1)
      throw new XmlRejected(
          "the MRSS resource has more than one <" + name + "> in <" + parent.getLocalName() + ">");
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element parent, String ns, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling())
      if (n instanceof Element e
          && name.equals(e.getLocalName())
          && java.util.Objects.equals(ns, e.getNamespaceURI())) out.add(e);
    return out;
  }

  private static String text(Element e) {
    if (e == null) return null;
    String value = e.getTextContent().strip();
    return value.isEmpty() ? null : value;
  }
}
