//! GB 32100-2015 tables: the code alphabet, weights, registration authorities and organisation types.

/// The 31 symbols of a 统一社会信用代码; a symbol's value is its index. I, O, S, V, Z never occur.
pub const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// `W_i = 3^(i-1) mod 31` for positions 1–17.
pub const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// GB 11714 organisation-code weights for the 8-symbol body.
pub const ORG_CODE_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// GB 11643 resident-ID weights for positions 1–17.
pub const RESIDENT_ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Letters that the USCC alphabet leaves out because they look like digits or other letters.
pub const FORBIDDEN_LETTERS: &[u8; 5] = b"IOSVZ";

/// USCC symbol value by ASCII byte; 255 marks a byte outside the alphabet.
pub const USCC_VALUE: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut index = 0;
    while index < USCC_ALPHABET.len() {
        table[USCC_ALPHABET[index] as usize] = index as u8;
        index += 1;
    }
    table
};

/// A registering authority (position 1) and the organisation types (position 2) it may issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authority {
    pub symbol: u8,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub types: &'static [OrgType],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgType {
    pub symbol: u8,
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

const fn t(symbol: u8, name_zh: &'static str, name_en: &'static str) -> OrgType {
    OrgType { symbol, name_zh, name_en }
}

const OTHER: OrgType = t(b'9', "其他", "other");

pub const AUTHORITIES: &[Authority] = &[
    Authority {
        symbol: b'1',
        name_zh: "机构编制",
        name_en: "institutional establishment",
        types: &[
            t(b'1', "机关", "government organ"),
            t(b'2', "事业单位", "public institution"),
            t(b'3', "中央编办直接管理机构编制的群众团体", "mass organisation under the central establishment office"),
            OTHER,
        ],
    },
    Authority {
        symbol: b'2',
        name_zh: "外交",
        name_en: "foreign affairs",
        types: &[t(b'1', "外国常驻新闻机构", "resident foreign news agency"), OTHER],
    },
    Authority {
        symbol: b'3',
        name_zh: "司法行政",
        name_en: "judicial administration",
        types: &[
            t(b'1', "律师执业机构", "law firm"),
            t(b'2', "公证处", "notary office"),
            t(b'3', "基层法律服务所", "grassroots legal service office"),
            t(b'4', "司法鉴定机构", "forensic appraisal institution"),
            t(b'5', "仲裁委员会", "arbitration commission"),
            OTHER,
        ],
    },
    Authority {
        symbol: b'4',
        name_zh: "文化",
        name_en: "culture",
        types: &[t(b'1', "外国在华文化中心", "foreign cultural centre in China"), OTHER],
    },
    Authority {
        symbol: b'5',
        name_zh: "民政",
        name_en: "civil affairs",
        types: &[
            t(b'1', "社会团体", "social organisation"),
            t(b'2', "民办非企业单位", "private non-enterprise unit"),
            t(b'3', "基金会", "foundation"),
            OTHER,
        ],
    },
    Authority {
        symbol: b'6',
        name_zh: "旅游",
        name_en: "tourism",
        types: &[
            t(b'1', "外国旅游部门常驻代表机构", "resident office of a foreign tourism authority"),
            t(
                b'2',
                "港澳台地区旅游部门常驻内地（大陆）代表机构",
                "resident office of a Hong Kong, Macao or Taiwan tourism authority",
            ),
            OTHER,
        ],
    },
    Authority {
        symbol: b'7',
        name_zh: "宗教",
        name_en: "religious affairs",
        types: &[
            t(b'1', "宗教活动场所", "place of religious activity"),
            t(b'2', "宗教院校", "religious school"),
            OTHER,
        ],
    },
    Authority {
        symbol: b'8',
        name_zh: "工会",
        name_en: "trade union",
        types: &[t(b'1', "基层工会", "grassroots trade union"), OTHER],
    },
    Authority {
        symbol: b'9',
        name_zh: "工商（市场监管）",
        name_en: "market regulation",
        types: &[
            t(b'1', "企业", "enterprise"),
            t(b'2', "个体工商户", "individual business"),
            t(b'3', "农民专业合作社", "farmers' specialised cooperative"),
        ],
    },
    Authority {
        symbol: b'A',
        name_zh: "中央军委改革和编制办公室",
        name_en: "CMC reform and establishment office",
        types: &[t(b'1', "军队事业单位", "military public institution"), OTHER],
    },
    Authority {
        symbol: b'N',
        name_zh: "农业",
        name_en: "agriculture",
        types: &[
            t(b'1', "组级集体经济组织", "group-level collective economic organisation"),
            t(b'2', "村级集体经济组织", "village-level collective economic organisation"),
            t(b'3', "乡镇级集体经济组织", "township-level collective economic organisation"),
            OTHER,
        ],
    },
    Authority { symbol: b'Y', name_zh: "其他", name_en: "other", types: &[t(b'1', "其他", "other")] },
];

pub fn authority(symbol: u8) -> Option<&'static Authority> {
    // A match compiles to a jump table: this runs once per code on the batch path.
    let index = match symbol {
        b'1'..=b'9' => symbol - b'1',
        b'A' => 9,
        b'N' => 10,
        b'Y' => 11,
        _ => return None,
    };
    AUTHORITIES.get(usize::from(index))
}

impl Authority {
    pub fn org_type(&self, symbol: u8) -> Option<&'static OrgType> {
        self.types.iter().find(|org_type| org_type.symbol == symbol)
    }
}
