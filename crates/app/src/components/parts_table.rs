//! The parsed parts of a valid code.

use xinnuo_core::code::Parts;
use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub parts: Parts,
    pub lang: Lang,
}

fn region_text(region: &str, name: Option<&str>, lang: Lang) -> String {
    format!("{region} {}", name.unwrap_or(lang.pick("（区划表中未收录）", "(not in the division table)")))
}

#[component]
pub fn PartsTable(props: &Props) -> Html {
    let lang = props.lang;
    let rows: Vec<(&str, String)> = match &props.parts {
        Parts::Uscc {
            authority,
            authority_name_zh,
            authority_name_en,
            org_type,
            org_type_name_zh,
            org_type_name_en,
            region,
            region_name,
            org_code,
            check,
        } => vec![
            (
                lang.pick("登记管理部门", "Registration authority"),
                format!("{authority} {}", lang.pick(authority_name_zh, authority_name_en)),
            ),
            (
                lang.pick("机构类别", "Organisation type"),
                format!("{org_type} {}", lang.pick(org_type_name_zh, org_type_name_en)),
            ),
            (lang.pick("登记管理机关行政区划", "Region"), region_text(region, region_name.get(), lang)),
            (lang.pick("组织机构代码", "Organisation code"), org_code.clone()),
            (lang.pick("校验码", "Check symbol"), check.to_string()),
        ],
        Parts::OrgCode { org_code } => vec![(lang.pick("组织机构代码", "Organisation code"), org_code.clone())],
        Parts::RegNo15 { region, region_name } => {
            vec![(lang.pick("登记机关行政区划", "Region"), region_text(region, region_name.get(), lang))]
        }
        Parts::ResidentId { region, region_name, birth_date, sex } => vec![
            (lang.pick("户籍所在地（发证时）", "Region (at issue)"), region_text(region, region_name.get(), lang)),
            (lang.pick("出生日期", "Birth date"), birth_date.clone()),
            (
                lang.pick("性别", "Sex"),
                if *sex == "male" { lang.pick("男", "male") } else { lang.pick("女", "female") }.to_owned(),
            ),
        ],
    };
    html! {
        <table class="parts">
            <tbody>
                { for rows.into_iter().map(|(label, value)| html! { <tr><th scope="row">{label}</th><td>{value}</td></tr> }) }
            </tbody>
        </table>
    }
}
