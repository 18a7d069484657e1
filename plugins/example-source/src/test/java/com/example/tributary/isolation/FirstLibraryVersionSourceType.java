package com.example.tributary.isolation;

import org.pf4j.Extension;

/** The source type of the first isolation plugin. */
@Extension
public final class FirstLibraryVersionSourceType extends LibraryVersionSourceType {
    public FirstLibraryVersionSourceType() {
        super("first_library_version");
    }
}
