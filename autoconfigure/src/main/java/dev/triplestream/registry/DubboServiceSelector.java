package dev.triplestream.registry;

import java.util.Arrays;

/**
 * Which providers of an interface a channel takes, by Dubbo 3.3's rules
 * ({@code UrlUtils.isMatch}): a consumer group of {@code *} takes any group, a comma-separated
 * list takes any group in it, else the groups must be equal; a consumer version of {@code *}
 * takes any version, else the versions must be equal. No group or version on either side is its
 * own value: a consumer without a group takes only providers without one (an empty value counts as
 * none). Providers must speak {@code tri} and not be disabled ({@code enabled=false}). Immutable and
 * thread-safe.
 *
 * @param group the channel's service group, or null
 * @param version the channel's service version, or null
 */
public record DubboServiceSelector(String group, String version) {

	/** The protocol of Dubbo's Triple. */
	public static final String TRIPLE = "tri";

	private static final String ANY = "*";

	public DubboServiceSelector {
		group = blankToNull(group);
		version = blankToNull(version);
	}

	/** Whether a provider of this group and version is taken. */
	public boolean matches(String providerGroup, String providerVersion) {
		String pg = blankToNull(providerGroup);
		String pv = blankToNull(providerVersion);
		boolean groupMatches = ANY.equals(this.group) || equal(this.group, pg)
				|| (this.group != null && pg != null && Arrays.stream(this.group.split(",")).map(String::strip)
					.anyMatch(pg::equals));
		boolean versionMatches = ANY.equals(this.version) || equal(this.version, pv);
		return groupMatches && versionMatches;
	}

	/** Whether an interface-level provider URL is a Triple provider this selector takes. */
	public boolean matches(DubboUrl provider) {
		return TRIPLE.equals(provider.protocol()) && !"false".equals(provider.parameter("enabled"))
				&& matches(provider.parameter("group"), provider.parameter("version"));
	}

	private static boolean equal(String a, String b) {
		return (a == null) ? b == null : a.equals(b);
	}

	private static String blankToNull(String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

}
